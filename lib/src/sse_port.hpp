// The event-stream connection (sse_connection.hpp) as the journey's port, for http:// and
// https:// URLs. Internal (Boost).
#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "client_port.hpp"

namespace goldenpath::detail {

// An SseConnection on `executor` (a strand or a single-threaded context). The port's close()
// code and reason go nowhere (HTTP has no close frame); destroying the port shuts a socket still
// open on that executor.
std::unique_ptr<ClientPort> sse_port(const boost::asio::any_io_executor& executor,
                                     std::shared_ptr<HostResolver> resolver);

}  // namespace goldenpath::detail
