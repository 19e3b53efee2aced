// The old name of InMemoryClient (goldenpath/in_memory_client.hpp), kept so that code written
// against it still compiles, with a deprecation warning.
#pragma once

#include "goldenpath/in_memory_client.hpp"

namespace goldenpath {

using InMemoryConnection [[deprecated("InMemoryConnection is now InMemoryClient")]] =
    InMemoryClient;

}  // namespace goldenpath
