#pragma once
// A test-only HTTP CONNECT proxy on 127.0.0.1:0: records every request it gets, and tunnels to
// loopback targets, answers with a chosen status, closes, or never answers. Boost stays in the
// .cpp.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goldenpath/clock.hpp"

namespace goldenpath::test {

enum class ProxyAnswer {
    tunnel,  // 200, then bytes both ways to the requested target; 403 for a non-loopback target
             // and 502 when nothing listens there
    status,  // ProxyScript::status (407 with Proxy-Authenticate), then closes
    close,   // reads the request and closes without answering
    never,   // reads the request and never answers
};

struct ProxyScript {
    ProxyAnswer answer = ProxyAnswer::tunnel;
    int status = 407;  // ProxyAnswer::status
};

// One request head as the proxy read it.
struct ProxyRequest {
    std::string request_line;  // "CONNECT 127.0.0.1:4242 HTTP/1.1"
    std::vector<std::pair<std::string, std::string>> headers;

    // The first header named `name` (case-insensitive); empty when absent.
    std::string header(std::string_view name) const;
};

// Serves ProxyScript on 127.0.0.1:0 on its own io_context thread, joined in the destructor.
class ConnectProxyDouble {
  public:
    explicit ConnectProxyDouble(ProxyScript script = {});
    ~ConnectProxyDouble();
    ConnectProxyDouble(const ConnectProxyDouble&) = delete;
    ConnectProxyDouble& operator=(const ConnectProxyDouble&) = delete;

    std::uint16_t port() const;
    std::string url() const;  // http://127.0.0.1:PORT

    // TCP connections accepted so far.
    std::size_t connections() const;
    // Every request head read so far, in arrival order.
    std::vector<ProxyRequest> requests() const;
    // Waits until `count` requests arrived or `deadline` passed; true when they did.
    bool wait_for_requests(std::size_t count, Clock::time_point deadline) const;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace goldenpath::test
