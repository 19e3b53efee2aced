#include "goldenpath/beast_client.hpp"
