#include "goldenpath/host_resolver.hpp"
