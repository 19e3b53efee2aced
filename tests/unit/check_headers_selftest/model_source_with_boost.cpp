// The self-test of the model's Boost check: compiled with the model's BOOST_USER_CONFIG, it must
// stop with that file's message.
#include <boost/config.hpp>
