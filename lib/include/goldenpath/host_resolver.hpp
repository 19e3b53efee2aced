#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace goldenpath {

// Failure to resolve a name; becomes FailureKind::dns.
struct ResolveError {
    std::string message;
};

// Turns a host name into IP address literals. Injectable so tests never look up a non-loopback
// name: BeastClient calls it only for names, never for IP literals.
// Implementations must be thread-safe: journeys that share one (a LoadRun's users do) call it
// from all the threads of their EventLoop at once; system_resolver()'s is.
class HostResolver {
  public:
    virtual ~HostResolver() = default;
    virtual std::variant<std::vector<std::string>, ResolveError> resolve(std::string_view host) = 0;
};

// The operating system's resolver (getaddrinfo).
std::shared_ptr<HostResolver> system_resolver();

// A fixed table, for tests: names not in the table fail as "name not known".
// Thread-safe once filled: resolve() may run on several threads at once, but no add() meanwhile.
class StaticResolver : public HostResolver {
  public:
    StaticResolver& add(std::string name, std::vector<std::string> addresses);
    std::variant<std::vector<std::string>, ResolveError> resolve(std::string_view host) override;

  private:
    std::vector<std::pair<std::string, std::vector<std::string>>> table_;
};

}  // namespace goldenpath
