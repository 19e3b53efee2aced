#include "goldenpath/endpoint_config.hpp"
