#pragma once

#include <memory>

#include "goldenpath/host_resolver.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath {

// WebSocketClient over real TCP (ws://) with Boost.Beast behind a pimpl. Blocking calls with
// deadlines; one instance is one connection and is used from one thread.
class BeastClient final : public WebSocketClient {
public:
    explicit BeastClient(std::shared_ptr<HostResolver> resolver = system_resolver());
    ~BeastClient() override;
    BeastClient(const BeastClient&) = delete;
    BeastClient& operator=(const BeastClient&) = delete;

    std::optional<Failure> connect(const ConnectRequest& request) override;
    std::optional<Failure> send_text(std::string_view text) override;
    ReceiveResult receive(Clock::time_point deadline) override;
    void close(int code, std::string_view reason, Clock::time_point deadline) override;
    std::string selected_subprotocol() const override;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace goldenpath
