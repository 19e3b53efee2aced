#include "goldenpath/script.hpp"
