#include "openssl_errors.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <boost/asio/ssl/error.hpp>

#include "read_failure_mapping.hpp"

namespace goldenpath::detail {
namespace {
namespace net = boost::asio;
using error_code = boost::system::error_code;
}  // namespace

std::string_view verify_reason(long result) {
    switch (result) {
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return "unknown_ca";
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return "hostname_mismatch";
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return "expired";
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "not_yet_valid";
        default:
            return {};
    }
}

std::string_view client_certificate_reason(const error_code& ec, bool sent_certificate) {
    if (ec.category() != net::error::get_ssl_category()) {
        return {};
    }
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
        case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
            return "client_certificate_required";
        case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
            return sent_certificate ? std::string_view{} : "client_certificate_required";
        case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
        case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
        case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
        case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
        case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
        case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
            return sent_certificate ? "client_certificate_rejected" : std::string_view{};
        default:
            return {};
    }
}

bool is_not_tls(const error_code& ec) {
    if (ec.category() != net::error::get_ssl_category()) {
        return false;
    }
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
        case SSL_R_WRONG_VERSION_NUMBER:
        case SSL_R_PACKET_LENGTH_TOO_LONG:
        case SSL_R_HTTP_REQUEST:
        case SSL_R_HTTPS_PROXY_REQUEST:
        case SSL_R_UNKNOWN_PROTOCOL:
        case SSL_R_RECORD_LENGTH_MISMATCH:
            return true;
        default:
            return false;
    }
}

TlsProblem tls_handshake_problem(SSL* native, const error_code& ec, bool verifying,
                                 bool sent_client_certificate) {
    const long verify = SSL_get_verify_result(native);
    if (verifying && verify != X509_V_OK) {
        const std::string_view reason = verify_reason(verify);
        return {reason.empty() ? "handshake_failed" : std::string(reason),
                std::string("certificate verification failed: ") +
                    X509_verify_cert_error_string(verify)};
    }
    if (const auto reason = client_certificate_reason(ec, sent_client_certificate);
        !reason.empty()) {
        return {std::string(reason),
                "the server refused the TLS client certificate (" + ec.message() + ")"};
    }
    if (is_not_tls(ec)) {
        return {"not_tls_server",
                "the server does not speak TLS (" + ec.message() + "): try ws://"};
    }
    if (is_connection_loss(ec) || ec == net::ssl::error::stream_truncated) {
        return {"handshake_failed",
                "the server closed the connection during the TLS handshake (" + ec.message() + ")"};
    }
    return {"handshake_failed", ec.message()};
}

}  // namespace goldenpath::detail
