// Included by boost_through_another_file.hpp.
#include <boost/config.hpp>
