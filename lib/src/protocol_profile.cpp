#include "goldenpath/protocol_profile.hpp"
