#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/recorded_connection.hpp"
#include "goldenpath/redactor.hpp"
#include "goldenpath/secret.hpp"
#include "text_helpers.hpp"

namespace goldenpath {
namespace {

bool is_credential_header(std::string_view name) {
    const std::string lower = detail::lower_ascii(name);
    if (lower == "authorization" || lower == "proxy-authorization" || lower == "cookie") {
        return true;
    }
    const auto params = default_secret_query_params();
    return std::any_of(params.begin(), params.end(), [&lower](const std::string& param) {
        return lower.find(param) != std::string::npos;
    });
}

// The token of a subprotocol entry made from the default profile's template, if it is one.
std::string_view subprotocol_token(std::string_view entry) {
    static const std::string pattern = default_profile().subprotocol_template;
    const auto hole = pattern.find("{token}");
    if (hole == std::string::npos) {
        return {};
    }
    const std::string_view prefix = std::string_view(pattern).substr(0, hole);
    const std::string_view suffix = std::string_view(pattern).substr(hole + 7);
    if (entry.size() > prefix.size() + suffix.size() && entry.starts_with(prefix) &&
        entry.ends_with(suffix)) {
        return entry.substr(prefix.size(), entry.size() - prefix.size() - suffix.size());
    }
    return {};
}

Redactor redactor_for(const RecordedConnection& connection) {
    Redactor redactor;
    for (const auto& [name, value] : connection.headers) {
        if (is_credential_header(name)) {
            redactor.add(value);
            if (const auto space = value.find(' '); space != std::string::npos) {
                redactor.add(std::string_view(value).substr(space + 1));
            }
        }
        if (detail::lower_ascii(name) == "sec-websocket-protocol") {
            std::string_view rest = value;
            while (!rest.empty()) {
                const auto comma = rest.find(',');
                std::string_view entry = rest.substr(0, comma);
                while (!entry.empty() && entry.front() == ' ') {
                    entry.remove_prefix(1);
                }
                while (!entry.empty() && entry.back() == ' ') {
                    entry.remove_suffix(1);
                }
                redactor.add(subprotocol_token(entry));
                rest =
                    comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            }
        }
    }
    for (const auto& entry : connection.offered_subprotocols) {
        redactor.add(subprotocol_token(entry));
    }
    return redactor;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> redacted_headers(
    const RecordedConnection& connection) {
    const Redactor redactor = redactor_for(connection);
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [name, value] : connection.headers) {
        std::string shown = value;
        if (is_credential_header(name)) {
            const auto space = value.find(' ');
            shown = space == std::string::npos ? std::string(Secret::redacted())
                                               : value.substr(0, space + 1) + "***";
        }
        headers.emplace_back(name, redactor.redact(std::move(shown)));
    }
    return headers;
}

void PrintTo(const RecordedConnection& connection, std::ostream* out) {
    const Redactor redactor = redactor_for(connection);
    *out << "connection #" << connection.id << " to "
         << redactor.redact(redact_url_secrets(connection.target)) << " with headers {";
    const char* separator = "";
    for (const auto& [name, value] : redacted_headers(connection)) {
        *out << separator << name << ": " << value;
        separator = ", ";
    }
    *out << "}";
    if (!connection.upgraded) {
        *out << ", rejected with " << connection.rejected_status;
    }
    *out << ", " << connection.received.size()
         << (connection.received.size() == 1 ? " message" : " messages") << " received";
}

}  // namespace goldenpath
