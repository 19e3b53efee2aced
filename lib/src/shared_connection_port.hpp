// A ClientPort over a connection object that the port shares with the work it leaves behind
// (a background close, a shutdown posted from the destructor): the calls every such port passes
// through unchanged. BeastPort (beast_client.cpp) and SsePort (sse_port.cpp) add what differs:
// closing, the subprotocol, and what their destructors do. Internal (Boost).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "client_port.hpp"

namespace goldenpath::detail {

template <typename Connection>
class SharedConnectionPort : public ClientPort {
  public:
    explicit SharedConnectionPort(std::shared_ptr<Connection> connection)
        : connection_(std::move(connection)) {}

    boost::asio::awaitable<BoxedFailure> connect(const ConnectRequest& request) override {
        return connection_->connect(request);
    }
    boost::asio::awaitable<std::optional<Failure>> send_text(std::string text) override {
        return connection_->send_text(std::move(text));
    }
    boost::asio::awaitable<std::unique_ptr<ReceiveResult>> receive(
        Clock::time_point deadline) override {
        return connection_->receive(deadline);
    }
    bool tls_verification_skipped() const override {
        return connection_->tls_verification_skipped();
    }

  protected:
    const std::shared_ptr<Connection>& connection() const noexcept { return connection_; }

  private:
    std::shared_ptr<Connection> connection_;
};

}  // namespace goldenpath::detail
