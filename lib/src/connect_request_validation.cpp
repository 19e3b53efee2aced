// The ConnectRequest fields a connection cannot use, named as EndpointConfig::validate names
// them (keepalive_ms, proxy), so a user sees one name whichever check found the value.
#include <string>

#include "client_port.hpp"
#include "goldenpath/config_error.hpp"

namespace goldenpath::detail {

void validate_connect_request(const ConnectRequest& request) {
    if (request.keepalive && request.keepalive->count() <= 0) {
        throw ConfigError("goldenpath.config", "/keepalive_ms", "must be a positive integer",
                          std::to_string(request.keepalive->count()));
    }
    if (request.proxy && (request.proxy->scheme != "http" || request.proxy->host.empty() ||
                          request.proxy->port == 0)) {
        throw ConfigError("goldenpath.config", "/proxy", "must be an http://host:port proxy URL",
                          request.proxy->to_string());
    }
}

}  // namespace goldenpath::detail
