#pragma once

#include <filesystem>
#include <optional>

namespace goldenpath {

// How a client checks a TLS server and proves itself (wss:// and https:// only). Shared by
// EndpointConfig and ConnectRequest, which derive from it, so a request takes a config's settings
// in one assignment.
struct TlsOptions {
    // Certificates are verified against ca_file when set (it replaces the system store), else
    // against the system store; insecure_skip_verify turns verification off, which
    // WebSocketClient::tls_verification_skipped() and every failure detail then report.
    std::optional<std::filesystem::path> ca_file;
    bool insecure_skip_verify = false;
    // Mutual TLS: a client certificate (PEM, may hold the chain) and its key (PEM); without
    // client_key_file the key is read from client_certificate_file.
    std::optional<std::filesystem::path> client_certificate_file;
    std::optional<std::filesystem::path> client_key_file;

    friend bool operator==(const TlsOptions&, const TlsOptions&) = default;
};

}  // namespace goldenpath
