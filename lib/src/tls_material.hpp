#pragma once
// The double's TLS material (docs/test-authors.md): one EC P-256 key, a self-signed CA and leaf
// certificates signed by it, made once per process. Internal: not installed.

#include <filesystem>

#include <boost/asio/ssl/context.hpp>

#include "goldenpath/agent_server_double.hpp"

namespace goldenpath::detail {

// The CA file and client certificate of the process (made on first use, removed at exit).
const std::filesystem::path& tls_ca_file();
const ClientCertificateFiles& tls_client_files();
// A server context serving `kind`, requiring a client certificate signed by the CA if asked.
boost::asio::ssl::context make_server_tls_context(TlsCertificate kind,
                                                  bool require_client_certificate);

}  // namespace goldenpath::detail
