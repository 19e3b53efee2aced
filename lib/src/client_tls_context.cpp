#include "client_tls_context.hpp"

#include <memory>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <boost/asio/ip/address.hpp>

namespace goldenpath::detail {
namespace {

namespace ssl = boost::asio::ssl;

struct StoreFree {
    void operator()(X509_STORE* store) const noexcept { X509_STORE_free(store); }
};

// The system CA store, loaded once per process (parsing the bundle takes ~20 ms) and shared by
// every wss:// connection without ca_file; null when it cannot be loaded. X509_STORE is
// reference counted and locks internally, so contexts on several threads may share it.
X509_STORE* system_ca_store() {
    static const std::unique_ptr<X509_STORE, StoreFree> store = [] {
        std::unique_ptr<X509_STORE, StoreFree> loaded(X509_STORE_new());
        if (loaded && X509_STORE_set_default_paths(loaded.get()) != 1) {
            loaded.reset();
        }
        ERR_clear_error();  // a missing default file or directory must not show up later
        return loaded;
    }();
    return store.get();
}

}  // namespace

std::optional<TlsProblem> configure_client_tls_context(ssl::context& context,
                                                       const ConnectRequest& request) {
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    if (request.insecure_skip_verify) {
        context.set_verify_mode(ssl::verify_none);
    } else {
        context.set_verify_mode(ssl::verify_peer);
        if (request.ca_file) {
            context.load_verify_file(request.ca_file->string(), ec);
            if (ec) {
                return TlsProblem{"ca_file_unreadable", "cannot load CA certificates from '" +
                                                            request.ca_file->string() +
                                                            "': " + ec.message()};
            }
        } else {
            X509_STORE* const store = system_ca_store();
            if (store == nullptr) {
                return TlsProblem{"handshake_failed", "cannot load the system CA store"};
            }
            SSL_CTX_set1_cert_store(context.native_handle(), store);
        }
    }
    if (request.client_key_file && !request.client_certificate_file) {
        return TlsProblem{"client_certificate_unreadable",
                          "client_key_file is set but client_certificate_file is not"};
    }
    if (request.client_certificate_file) {
        const std::string certificate = request.client_certificate_file->string();
        context.use_certificate_chain_file(certificate, ec);
        if (ec) {
            return TlsProblem{
                "client_certificate_unreadable",
                "cannot load the client certificate from '" + certificate + "': " + ec.message()};
        }
        // Without client_key_file the key is expected in the certificate file.
        const std::string key =
            request.client_key_file ? request.client_key_file->string() : certificate;
        context.use_private_key_file(key, ssl::context::pem, ec);
        if (ec) {
            return TlsProblem{"client_key_unreadable",
                              "cannot load the client key from '" + key + "': " + ec.message()};
        }
    }
    return std::nullopt;
}

std::optional<TlsProblem> set_tls_peer_host(SSL* native, const std::string& host, bool verifying) {
    boost::system::error_code literal_ec;
    boost::asio::ip::make_address(host, literal_ec);
    const bool ip_literal = !literal_ec;
    // SSL_set_tlsext_host_name without its C cast; OpenSSL copies the name.
    std::string server_name = host;
    if (!ip_literal && SSL_ctrl(native, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                server_name.data()) != 1) {
        return TlsProblem{"handshake_failed", "cannot set the TLS server name '" + host + "'"};
    }
    if (verifying) {
        const int set = ip_literal
                            ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), host.c_str())
                            : SSL_set1_host(native, host.c_str());
        if (set != 1) {
            return TlsProblem{"handshake_failed",
                              "cannot verify the certificate against host '" + host + "'"};
        }
    }
    return std::nullopt;
}

}  // namespace goldenpath::detail
