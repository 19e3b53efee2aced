#pragma once
// The orders service's own seam to the agent: production code depends on this interface only,
// never on goldenpath. Its production implementation (not shown) wraps the service's WebSocket
// library; tests bridge it to goldenpath with GoldenpathTransport (goldenpath_transport.hpp).

#include <chrono>
#include <optional>
#include <string>

namespace orders {

class AgentTransport {
  public:
    virtual ~AgentTransport() = default;

    // Each returns an error text, or nullopt when it worked.
    virtual std::optional<std::string> open(const std::string& url, const std::string& token) = 0;
    virtual std::optional<std::string> send(const std::string& text) = 0;
    // The next text message within `within`; nullopt when none came (silence, close, error).
    virtual std::optional<std::string> receive(std::chrono::milliseconds within) = 0;
    virtual void close() = 0;
};

}  // namespace orders
