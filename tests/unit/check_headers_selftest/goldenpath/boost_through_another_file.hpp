// A public header with no Boost include of its own that reaches Boost through another file (the
// text search of check_public_headers.cmake reads .hpp and .h files only): the compiled check
// must still see it.
#pragma once
#include "goldenpath/detail/boost_config.ipp"
