// OpenSSL's verify results and alert reasons as the tls(reason) names of docs/wire-contract.md.
// Internal (Boost, OpenSSL).
#pragma once

#include <string>
#include <string_view>

#include <openssl/ssl.h>
#include <boost/system/error_code.hpp>

namespace goldenpath::detail {

// A TLS failure before it becomes a Failure: its tls(reason) and detail.
struct TlsProblem {
    std::string reason;
    std::string detail;
};

// The tls(reason) of a failed certificate verification; empty when the verify result is not one
// of the reasons we name.
std::string_view verify_reason(long result);

// The server's alert about our client certificate (mutual TLS): "client_certificate_required"
// when we sent none, "client_certificate_rejected" when it did not accept the one we sent; empty
// for any other error. With TLS 1.3 the alert arrives after the client's side of the handshake,
// during the upgrade; with TLS 1.2 during the handshake.
std::string_view client_certificate_reason(const boost::system::error_code& ec,
                                           bool sent_certificate);

// True when the bytes the server sent are no TLS record at all: a plain HTTP or WebSocket server
// answering our ClientHello (typically with "HTTP/1.1 400").
bool is_not_tls(const boost::system::error_code& ec);

// What a failed TLS handshake (or an upgrade failed by a TLS 1.3 alert) on `native` means:
// the verify result first when `verifying`, then the server's alerts, then the shape of `ec`.
TlsProblem tls_handshake_problem(SSL* native, const boost::system::error_code& ec, bool verifying,
                                 bool sent_client_certificate);

}  // namespace goldenpath::detail
