// The raw loopback TCP floor of goldenpath-bench: journeys of plain bytes, shaped like
// goldenpath's, against a server thread of this process.
#include "tcp_floor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "golden_frames.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "loopback_socket.hpp"

namespace goldenpath::bench {
namespace {

// Reads exactly `count` bytes (or until EOF when `count` is 0); returns the bytes read.
std::size_t read_bytes(int fd, std::size_t count) {
    char buffer[4096];
    std::size_t total = 0;
    while (count == 0 || total < count) {
        const auto want = count == 0 ? sizeof buffer : std::min(sizeof buffer, count - total);
        const auto n = ::recv(fd, buffer, want, 0);
        if (n <= 0) {
            break;
        }
        total += static_cast<std::size_t>(n);
    }
    return total;
}

// One request/response exchange of a floor journey: the client writes `request`, the server
// reads exactly that many bytes and answers `response`.
struct Exchange {
    std::string request;
    std::string response;
};

// The floor exchanges. `minimal`: one exchange (the start message, then the bytes of
// connection_established + the five events), as issue 7 defines the floor. `ws_shaped`: the same
// number of round trips a WebSocket journey needs (upgrade + ready, start + events, close +
// close), with plain bytes and no framing or parsing.
std::vector<Exchange> floor_exchanges(bool ws_shaped) {
    const auto profile = default_profile();
    const std::string start =
        profile.start_message("What is the status of my order?", "thread-0", "run-0");
    const std::string ready =
        R"({"type":"connection_established","data":{"connection_id":"conn-1","user_id":"user-1"}})";
    std::string events;
    for (const auto& frame : golden_frames(profile, 0)) {
        events += frame;
    }
    if (!ws_shaped) {
        return {{start, ready + events}};
    }
    const std::string upgrade =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "User-Agent: goldenpath\r\n\r\n";
    const std::string switching =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    return {{upgrade, switching + ready}, {start, events}, {"close:1000", "1000"}};
}

}  // namespace

FloorRun run_tcp_floor(std::size_t journeys, double max_seconds, bool ws_shaped) {
    const auto exchanges = floor_exchanges(ws_shaped);

    Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
    const int one = 1;
    ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    auto address = loopback(0);
    if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener.get(), 128) != 0) {
        throw std::runtime_error("floor: cannot listen on 127.0.0.1");
    }
    socklen_t length = sizeof address;
    ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length);
    const auto port = ntohs(address.sin_port);

    std::atomic<bool> stop{false};
    std::thread server([&] {
        while (!stop.load()) {
            Fd connection(::accept(listener.get(), nullptr, nullptr));
            if (connection.get() < 0 || stop.load()) {
                continue;
            }
            set_nodelay(connection.get());
            // Each exchange: request bytes in, response bytes out; then wait for the client's
            // close.
            bool ok = true;
            for (const auto& exchange : exchanges) {
                ok = ok && read_bytes(connection.get(), exchange.request.size()) ==
                               exchange.request.size();
                ok = ok && write_all(connection.get(), exchange.response);
            }
            if (ok) {
                read_bytes(connection.get(), 0);
            }
        }
    });

    FloorRun run;
    run.journeys = run_timed_journeys(journeys, max_seconds, [&]() -> std::string {
        const Fd client = connect_loopback(port);
        if (client.get() < 0) {
            return "connect failed";
        }
        for (const auto& exchange : exchanges) {
            if (!write_all(client.get(), exchange.request) ||
                read_bytes(client.get(), exchange.response.size()) != exchange.response.size()) {
                return "an exchange was cut short";
            }
        }
        return {};
    });

    stop.store(true);
    {
        // Wake the accept loop with one last connection.
        const Fd wake = connect_loopback(port);
    }
    server.join();
    run.round_trips = exchanges.size();
    for (const auto& exchange : exchanges) {
        run.request_bytes += exchange.request.size();
        run.response_bytes += exchange.response.size();
    }
    return run;
}

}  // namespace goldenpath::bench
