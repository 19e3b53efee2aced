#include "goldenpath/host_resolver.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <utility>

#include "text_helpers.hpp"

namespace goldenpath {
namespace {

// Owns a getaddrinfo result list.
struct AddrinfoDeleter {
    void operator()(addrinfo* info) const noexcept { freeaddrinfo(info); }
};

// getaddrinfo with numeric output: the order the OS prefers, duplicates removed.
class SystemResolver final : public HostResolver {
  public:
    std::variant<std::vector<std::string>, ResolveError> resolve(std::string_view host) override {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* raw = nullptr;
        const std::string name(host);
        const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &raw);
        std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
        if (rc != 0) {
            return ResolveError{"cannot resolve '" + name + "': " + gai_strerror(rc)};
        }
        std::vector<std::string> addresses;
        for (const addrinfo* it = list.get(); it != nullptr; it = it->ai_next) {
            std::array<char, NI_MAXHOST> text{};
            if (getnameinfo(it->ai_addr, it->ai_addrlen, text.data(),
                            static_cast<socklen_t>(text.size()), nullptr, 0, NI_NUMERICHOST) != 0) {
                continue;
            }
            std::string address(text.data());
            if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
                addresses.push_back(std::move(address));
            }
        }
        if (addresses.empty()) {
            return ResolveError{"cannot resolve '" + name + "': no addresses"};
        }
        return addresses;
    }
};

}  // namespace

std::shared_ptr<HostResolver> system_resolver() {
    return std::make_shared<SystemResolver>();
}

StaticResolver& StaticResolver::add(std::string name, std::vector<std::string> addresses) {
    table_.emplace_back(std::move(name), std::move(addresses));
    return *this;
}

std::variant<std::vector<std::string>, ResolveError> StaticResolver::resolve(
    std::string_view host) {
    for (const auto& [name, addresses] : table_) {
        if (detail::equals_ignoring_case(name, host) && !addresses.empty()) {
            return addresses;
        }
    }
    return ResolveError{"cannot resolve '" + std::string(host) + "': name not known"};
}

}  // namespace goldenpath
