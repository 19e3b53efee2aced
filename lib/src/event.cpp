#include "goldenpath/event.hpp"
