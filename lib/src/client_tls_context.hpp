// The client's TLS set-up for wss://: the context (verification, CA store, client certificate)
// and the per-connection host checks. Internal (Boost, OpenSSL).
#pragma once

#include <optional>
#include <string>

#include <openssl/ssl.h>
#include <boost/asio/ssl/context.hpp>

#include "goldenpath/websocket_client.hpp"
#include "openssl_errors.hpp"

namespace goldenpath::detail {

// Verification is on unless insecure_skip_verify: against ca_file when given (it replaces the
// system store, like curl --cacert), else the system store (loaded once per process). A client
// certificate is presented when configured (mutual TLS). A file that cannot be loaded is the
// problem returned; it needs no network to be found.
std::optional<TlsProblem> configure_client_tls_context(boost::asio::ssl::context& context,
                                                       const ConnectRequest& request);

// SNI for names; when `verifying`, the certificate must name `host` (DNS name or IP address SAN).
std::optional<TlsProblem> set_tls_peer_host(SSL* native, const std::string& host, bool verifying);

}  // namespace goldenpath::detail
