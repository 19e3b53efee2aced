#pragma once

#include <memory>

#include "goldenpath/host_resolver.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath {

// WebSocketClient over real TCP (ws://) with Boost.Beast behind a pimpl. Blocking calls with
// deadlines; one instance is one connection and is used from one thread. Each instance runs its
// own io_context only inside its calls: no threads, no sleeps.
//
// - connect: IP literals skip the resolver, names go through it (ResolveError -> dns). Failures
//   carry one Attempt, the redacted URL, and every ConnectRequest::secrets text replaced by ***.
//   wss:// is not supported yet (Failure kind tls, tls_reason "unsupported").
// - receive: a receive that reaches its deadline returns Status::timeout and leaves the read
//   pending; the next receive continues it, so a late frame is not lost and the connection stays
//   usable. A close frame gives Status::closed with the server's code and reason; a connection
//   lost without one gives code 1006 and the error text as reason. Later calls repeat it.
// - send_text: writes with a fixed 5 s deadline; any error is Failure kind closed.
// - close: writes the close frame and keeps reading until the server's close frame (or the
//   deadline), returning the data frames that arrived meanwhile. The destructor closes with 1001
//   and a 200 ms deadline and never throws.
class BeastClient final : public WebSocketClient {
  public:
    explicit BeastClient(std::shared_ptr<HostResolver> resolver = system_resolver());
    ~BeastClient() override;
    BeastClient(const BeastClient&) = delete;
    BeastClient& operator=(const BeastClient&) = delete;

    std::optional<Failure> connect(const ConnectRequest& request) override;
    std::optional<Failure> send_text(std::string_view text) override;
    ReceiveResult receive(Clock::time_point deadline) override;
    std::vector<ReceivedFrame> close(int code, std::string_view reason,
                                     Clock::time_point deadline) override;
    std::string selected_subprotocol() const override;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace goldenpath
