#include "goldenpath/agent_server_double.hpp"
