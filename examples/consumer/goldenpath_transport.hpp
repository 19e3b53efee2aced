#pragma once
// Test-only adapter: the service's AgentTransport over any goldenpath::WebSocketClient
// (BeastClient against the server double, InMemoryClient, MockWebSocketClient, ...). It
// lives in the test target, so production code keeps its own interface and never links
// goldenpath.

#include <chrono>
#include <optional>
#include <string>

#include "agent_transport.hpp"
#include "goldenpath/websocket_client.hpp"

namespace orders::testing {

class GoldenpathTransport : public AgentTransport {
  public:
    explicit GoldenpathTransport(goldenpath::WebSocketClient& client) : client_(client) {}

    std::optional<std::string> open(const std::string& url, const std::string& token) override {
        goldenpath::ConnectRequest request;
        request.url = goldenpath::Url::parse(url);
        if (!token.empty()) {
            request.headers.emplace_back("Authorization", "Bearer " + token);
            request.secrets.emplace_back(token);  // redacted from anything goldenpath reports
        }
        return error_of(client_.connect(request));
    }

    std::optional<std::string> send(const std::string& text) override {
        return error_of(client_.send_text(text));
    }

    std::optional<std::string> receive(std::chrono::milliseconds within) override {
        auto result = client_.receive(goldenpath::Clock::now() + within);
        if (result.status != goldenpath::ReceiveResult::Status::frame || result.frame.binary) {
            return std::nullopt;
        }
        return std::move(result.frame.text);
    }

    void close() override {
        client_.close(1000, "done", goldenpath::Clock::now() + std::chrono::seconds(1));
    }

  private:
    static std::optional<std::string> error_of(const std::optional<goldenpath::Failure>& failure) {
        if (!failure) {
            return std::nullopt;
        }
        return failure->to_string();
    }

    goldenpath::WebSocketClient& client_;
};

}  // namespace orders::testing
