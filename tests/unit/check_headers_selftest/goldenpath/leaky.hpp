// A public header that breaks the rule, so the check's own test can see it fail.
#pragma once
#include <boost/asio/io_context.hpp>
