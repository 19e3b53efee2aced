#include "goldenpath/url.hpp"
