#include "goldenpath/failure.hpp"
