#include "goldenpath/config_error.hpp"
