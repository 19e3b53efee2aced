// TLS material of the agent server doubles: OpenSSL objects live in unique_ptrs with their free.
#include "tls_material.hpp"

#include <array>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

namespace goldenpath::detail {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;

// ---- TLS material (docs/test-authors.md): one EC P-256 key, a self-signed CA and leaf
// certificates signed by it, made once per process. OpenSSL objects live in unique_ptrs with their
// free.

template <class T, void (*Free)(T*)>
struct OpenSslFree {
    void operator()(T* pointer) const noexcept { Free(pointer); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY, EVP_PKEY_free>>;
using CertificatePtr = std::unique_ptr<X509, OpenSslFree<X509, X509_free>>;
using ExtensionPtr =
    std::unique_ptr<X509_EXTENSION, OpenSslFree<X509_EXTENSION, X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree<BIO, BIO_free_all>>;

[[noreturn]] void tls_setup_failed(std::string_view what) {
    throw std::runtime_error("AgentServerDouble: cannot " + std::string(what) +
                             " for the TLS certificate");
}

KeyPtr generate_p256_key() {
    // EVP_EC_gen("P-256") without the macro's C cast.
    KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) {
        tls_setup_failed("generate an EC P-256 key");
    }
    return key;
}

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX context{};
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    const ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
        tls_setup_failed(std::string("add extension ") + value);
    }
}

// Validity in seconds relative to now.
struct Validity {
    long from;
    long to;
};

constexpr long kHour = 60L * 60L;
constexpr long kDay = 24L * kHour;

// A certificate for `key` named `common_name`, signed by `issuer` with `issuer_key`; self-signed
// (a CA) when issuer is null. Leaf certificates carry `subject_alt_names`.
CertificatePtr make_certificate(EVP_PKEY* key, const char* common_name, long serial,
                                Validity validity, X509* issuer, EVP_PKEY* issuer_key,
                                const char* subject_alt_names,
                                const char* extended_key_usage = "serverAuth") {
    CertificatePtr certificate(X509_new());
    if (!certificate) {
        tls_setup_failed("allocate a certificate");
    }
    X509* const cert = certificate.get();
    X509_NAME* const name = X509_get_subject_name(cert);
    const auto* const cn = reinterpret_cast<const unsigned char*>(common_name);
    if (X509_set_version(cert, 2) != 1 ||
        ASN1_INTEGER_set(X509_get_serialNumber(cert), serial) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(cert), validity.from) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert), validity.to) == nullptr ||
        X509_set_pubkey(cert, key) != 1 ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name) != 1) {
        tls_setup_failed("fill in a certificate");
    }
    X509* const signer = issuer ? issuer : cert;
    add_extension(cert, signer, NID_subject_key_identifier, "hash");
    if (issuer == nullptr) {
        add_extension(cert, signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert, signer, NID_authority_key_identifier, "keyid:always");
        add_extension(cert, signer, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(cert, signer, NID_key_usage, "critical,digitalSignature");
        add_extension(cert, signer, NID_ext_key_usage, extended_key_usage);
        add_extension(cert, signer, NID_subject_alt_name, subject_alt_names);
    }
    if (X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256()) == 0) {
        tls_setup_failed("sign a certificate");
    }
    return certificate;
}

// Runs `write` on a memory BIO and returns what it wrote (PEM text).
template <class Write>
std::string pem_of(Write write) {
    const BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get()) != 1) {
        tls_setup_failed("PEM-encode");
    }
    char* data = nullptr;
    const long size = BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, &data);  // BIO_get_mem_data
    return std::string(data, static_cast<std::size_t>(size));
}

std::string certificate_pem(X509* certificate) {
    return pem_of([certificate](BIO* bio) { return PEM_write_bio_X509(bio, certificate); });
}

std::string private_key_pem(EVP_PKEY* key) {
    return pem_of([key](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    });
}

// Writes `text` to a new file `path` readable by its owner only (it may hold a private key).
void write_private_file(const std::filesystem::path& path, const std::string& text) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    { std::ofstream create(path, std::ios::binary | std::ios::trunc); }
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
        std::filesystem::perm_options::replace, ignored);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        throw std::runtime_error("AgentServerDouble: cannot write " + path.string());
    }
}

// The process's TLS material. The CA certificate is written to the temp directory (clients
// trust it through ca_file), as are a client certificate and key for mutual TLS; all three are
// removed again at process exit.
class TlsMaterial {
  public:
    TlsMaterial() {
        const KeyPtr ca_key = generate_p256_key();
        const KeyPtr leaf_key = generate_p256_key();
        const CertificatePtr ca = make_certificate(ca_key.get(), "goldenpath test CA", 1,
                                                   {-kHour, kDay}, nullptr, nullptr, nullptr);
        const auto leaf = [&](long serial, Validity validity, const char* names) {
            return certificate_pem(make_certificate(leaf_key.get(),
                                                    "goldenpath agent server double", serial,
                                                    validity, ca.get(), ca_key.get(), names)
                                       .get());
        };
        constexpr const char* kLoopbackNames = "IP:127.0.0.1,IP:::1,DNS:localhost";
        certificates_[index(TlsCertificate::valid)] = leaf(2, {-kHour, kDay}, kLoopbackNames);
        certificates_[index(TlsCertificate::wrong_host)] =
            leaf(3, {-kHour, kDay}, "DNS:wrong.invalid");
        certificates_[index(TlsCertificate::expired)] = leaf(4, {-2 * kDay, -kDay}, kLoopbackNames);
        certificates_[index(TlsCertificate::not_yet_valid)] =
            leaf(5, {kDay, 2 * kDay}, kLoopbackNames);
        key_pem_ = private_key_pem(leaf_key.get());
        ca_pem_ = certificate_pem(ca.get());
        const auto temp = std::filesystem::temp_directory_path();
        const std::string pid = std::to_string(::getpid());
        ca_file_ = temp / ("goldenpath-ca-" + pid + ".pem");
        std::ofstream out(ca_file_, std::ios::binary | std::ios::trunc);
        out << ca_pem_;
        out.close();
        if (!out) {
            throw std::runtime_error("AgentServerDouble: cannot write the CA certificate to " +
                                     ca_file_.string());
        }
        const KeyPtr client_key = generate_p256_key();
        client_files_.certificate_file = temp / ("goldenpath-client-" + pid + ".pem");
        client_files_.key_file = temp / ("goldenpath-client-key-" + pid + ".pem");
        write_private_file(
            client_files_.certificate_file,
            certificate_pem(make_certificate(client_key.get(), "goldenpath test client", 6,
                                             {-kHour, kDay}, ca.get(), ca_key.get(),
                                             "DNS:goldenpath-client", "clientAuth")
                                .get()));
        write_private_file(client_files_.key_file, private_key_pem(client_key.get()));
    }
    ~TlsMaterial() {
        std::error_code ignored;
        std::filesystem::remove(ca_file_, ignored);
        std::filesystem::remove(client_files_.certificate_file, ignored);
        std::filesystem::remove(client_files_.key_file, ignored);
    }
    TlsMaterial(const TlsMaterial&) = delete;
    TlsMaterial& operator=(const TlsMaterial&) = delete;

    const std::filesystem::path& ca_file() const noexcept { return ca_file_; }
    const std::string& ca_pem() const noexcept { return ca_pem_; }
    const ClientCertificateFiles& client_files() const noexcept { return client_files_; }
    const std::string& key_pem() const noexcept { return key_pem_; }
    const std::string& certificate_pem_for(TlsCertificate kind) const {
        return certificates_.at(index(kind));
    }

  private:
    static std::size_t index(TlsCertificate kind) { return static_cast<std::size_t>(kind); }

    std::array<std::string, 4> certificates_;
    std::string key_pem_;
    std::string ca_pem_;
    std::filesystem::path ca_file_;
    ClientCertificateFiles client_files_;
};

// Made on first use, once per process (thread-safe static initialisation).
const TlsMaterial& tls_material() {
    static const TlsMaterial material;
    return material;
}

}  // namespace

ssl::context make_server_tls_context(TlsCertificate kind, bool require_client_certificate) {
    const TlsMaterial& material = tls_material();
    ssl::context context(ssl::context::tls_server);
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    context.use_certificate_chain(net::buffer(material.certificate_pem_for(kind)));
    context.use_private_key(net::buffer(material.key_pem()), ssl::context::pem);
    if (require_client_certificate) {
        context.add_certificate_authority(net::buffer(material.ca_pem()));
        context.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
    return context;
}

const std::filesystem::path& tls_ca_file() {
    return tls_material().ca_file();
}

const ClientCertificateFiles& tls_client_files() {
    return tls_material().client_files();
}

}  // namespace goldenpath::detail
