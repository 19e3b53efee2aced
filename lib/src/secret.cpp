#include "goldenpath/secret.hpp"
