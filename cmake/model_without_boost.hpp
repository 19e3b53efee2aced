// Named by BOOST_USER_CONFIG while the model (GOLDENPATH_MODEL_SOURCES in lib/CMakeLists.txt) is
// compiled. Every Boost header includes boost/config.hpp, which includes this file, so a model
// source that reaches Boost, directly or through another header, stops the build here.
#error "goldenpath's model must not include Boost: a model source reached a Boost header"
