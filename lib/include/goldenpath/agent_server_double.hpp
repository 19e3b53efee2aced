#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "goldenpath/agent_behaviour.hpp"
#include "goldenpath/clock.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/recorded_connection.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/server_connection.hpp"

namespace goldenpath {

// The certificate a TLS double serves. All are signed by the same per-process CA
// (AgentServerDouble::ca_file()) and use the same EC P-256 key.
enum class TlsCertificate {
    valid,          // SANs IP:127.0.0.1, IP:::1, DNS:localhost; valid from 1 h ago for 1 day
    wrong_host,     // SAN DNS:wrong.invalid only: clients fail with tls(hostname_mismatch)
    expired,        // loopback SANs, expired yesterday: tls(expired)
    not_yet_valid,  // loopback SANs, valid from tomorrow: tls(not_yet_valid)
};
std::ostream& operator<<(std::ostream& out, TlsCertificate certificate);  // its name

// What the double does with an upgrade request instead of answering it (reconnection tests).
enum class UpgradeFault {
    none,   // answer as usual
    close,  // close the TCP connection (FIN) without a response
    reset,  // abort the TCP connection (RST) without a response
};
std::ostream& operator<<(std::ostream& out, UpgradeFault fault);  // its name

// Paths of a client certificate and its key (PEM), signed by the CA of ca_file().
struct ClientCertificateFiles {
    std::filesystem::path certificate_file;
    std::filesystem::path key_file;
};

struct AgentServerDoubleOptions {
    std::string host = "127.0.0.1";  // loopback only: 127.0.0.1 or ::1
    std::uint16_t port = 0;          // 0 = ephemeral
    ProtocolProfile profile = default_profile();
    Script script = Script::golden_path();
    // Chooses the script per connection (by recorded handshake); overrides `script` when set.
    std::function<Script(const RecordedConnection&)> script_for;
    // Decides the answer to every received message; overrides `script` and `script_for` when set.
    // MockAgentBehaviour (fixtures) lets a test EXPECT_CALL what the server received.
    std::shared_ptr<AgentBehaviour> behaviour;
    // Accepted tokens (Authorization: Bearer, subprotocol entry or ?token=); empty = no auth.
    std::vector<std::string> tokens;
    // Answer every upgrade with this HTTP status instead (e.g. 404).
    std::optional<int> reject_upgrade_status;
    std::string reject_upgrade_body = "not found";
    // The profile's ready event (connection_established) after a WebSocket upgrade; never sent
    // when the profile's ready_type is empty (ag-ui) nor over an event stream.
    bool send_connection_established = true;
    // Serve wss:// (TLS 1.2+). The CA, key and certificates are generated on first use, once
    // per process; the CA certificate is written to the temp directory (see ca_file()).
    bool tls = false;
    TlsCertificate tls_certificate = TlsCertificate::valid;
    // Mutual TLS (tls only): the handshake fails unless the client presents a certificate signed
    // by the double's CA, e.g. client_certificate().
    bool require_client_certificate = false;
    // Decides per upgrade request (id, accepted_at, target and headers recorded) whether to drop
    // the connection before answering; unset = UpgradeFault::none.
    std::function<UpgradeFault(const RecordedConnection&)> upgrade_fault_for;
    // Called on the double's io thread for every connection once its upgrade completed, before
    // its script runs. Drive the handle from here (send, close, ...) or keep it, but never wait
    // in it: waiting blocks the double.
    std::function<void(std::shared_ptr<ServerConnection>)> on_connection;

    // ---- Limits (bounded memory whatever a client does)
    // Bytes of frames one connection may have waiting to be written (each frame also counts
    // its bookkeeping, about 64 bytes). When reached, the connection's script runs pause and the
    // double stops reading from that client (back-pressure) until writes drain the queue; a
    // frame sent through a ServerConnection handle into a full queue closes the connection with
    // 1008 instead. One frame always fits, however large.
    std::size_t max_outgoing_bytes = 1U << 20U;
    // Script runs one connection may have in progress (started by start messages, not yet at
    // their end); at the limit the double stops reading from that client until one ends.
    std::size_t max_runs_per_connection = 256;
    // Ended connections connections() keeps, the most recent ones; open ones are always kept.
    // A ServerConnection handle keeps its own connection's recording however old.
    std::size_t journal_capacity = 1000;
    // Text messages recorded per connection (RecordedConnection::received, a handle's inbox); the
    // double still answers those past it, and counts them in received_omitted.
    std::size_t max_recorded_messages = 10000;
    // How long a connection the double closes (a close step, a handle's close(), stop()) may take
    // to end: the client's close frame, then its side of the TCP close. A client that answers
    // within it is recorded as it answers (wait_closed() returns then); past it the double drops
    // the TCP connection. stop() waits at most 1 s however long it is. 1 ms to 1 h, else the
    // constructor throws ConfigError ("goldenpath.server_double", field "/close_grace_ms").
    Milliseconds close_grace{200};

    // Where the double reports what needs a human: harness errors (a callback above threw) and
    // accept errors (e.g. out of file descriptors) and their recovery. Called on the double's
    // io thread with one line (no newline); unset: the line goes to stderr with a
    // "[goldenpath.server_double] " prefix.
    std::function<void(const std::string&)> log;
};

// A real agent server on loopback, in-process, answering start messages with a Script: over
// WebSocket after an upgrade, or as server-sent events to a POST (event_stream_url()).
// Starts in the constructor (throws std::runtime_error when it cannot bind) and stops in the
// destructor, closing every connection and joining its thread.
// Thread-safe once constructed: any thread may call any member, its callbacks (all run on its one
// io thread) included, but none may overlap the constructor or destructor, and the destructor must
// not run on the io thread.
class AgentServerDouble {
  public:
    explicit AgentServerDouble(AgentServerDoubleOptions options = {});
    ~AgentServerDouble();
    AgentServerDouble(const AgentServerDouble&) = delete;
    AgentServerDouble& operator=(const AgentServerDouble&) = delete;

    std::uint16_t port() const noexcept;
    // ws://127.0.0.1:PORT/ws (the profile's path); with tls wss://127.0.0.1:PORT/ws. The host is
    // the bound IP literal, so clients verify the certificate's IP SAN and need no resolver
    // (the certificate also names DNS:localhost, which goldenpath-server prints).
    std::string url() const;
    // http://127.0.0.1:PORT/ws (https:// with tls): the same port and path answer a POST of a
    // start message with a text/event-stream, one server-sent event per scripted frame
    // (docs/server-double.md).
    std::string event_stream_url() const;
    // PEM file of the CA that signed the TLS certificate ($TMPDIR/goldenpath-ca-<pid>.pem, the
    // same for every double of the process, removed at exit); empty when not tls.
    std::filesystem::path ca_file() const;
    // A client certificate (clientAuth) and its key signed by that CA, for mutual TLS
    // ($TMPDIR/goldenpath-client-<pid>.pem and -key-<pid>.pem, key mode 0600, removed at exit);
    // empty paths when not tls.
    ClientCertificateFiles client_certificate() const;

    // Snapshot of everything recorded so far.
    std::vector<RecordedConnection> connections() const;
    // Waits until at least `count` connections were recorded, or `deadline`; true when reached.
    bool wait_for_connections(std::size_t count, Clock::time_point deadline) const;
    // Waits until connection `id` has received `count` messages, or `deadline`.
    bool wait_for_messages(std::size_t id, std::size_t count, Clock::time_point deadline) const;
    // Waits until connection `id` (as in connections()) got the client's close frame or ended:
    // the close code the client sent (its answer when the double closed first), 1006 when it
    // ended without one, nullopt at `deadline`. A client's own close() returns after the double
    // recorded its code; this is for the double's close, which a blocking client answers inside
    // receive().
    std::optional<int> wait_closed(std::size_t id, Clock::time_point deadline) const;
    // The next upgraded connection not taken yet (accept order), as a handle; nullptr at
    // `deadline`. Handles given to on_connection count as taken.
    std::shared_ptr<ServerConnection> wait_for_connection(Clock::time_point deadline);

    // Exceptions thrown by the test's own callbacks (behaviour, script_for, on_connection,
    // upgrade_fault_for) or io handlers, in order, e.g. "harness: AgentBehaviour threw
    // std::runtime_error: boom (connection 1)". The connection concerned is closed with 1011
    // and a reason starting "harness: ". A test that sees any has a bug in its own double:
    // fixtures::AgentServerDoubleTest fails the test at TearDown. Keeps the first 100.
    std::vector<std::string> harness_errors() const;

    // Stops accepting, closes every connection (1001) and joins; idempotent. Every call returns
    // once the double has stopped, a concurrent one too, except a call from one of the double's
    // own callbacks: that one only starts the stop and returns (the double stops serving once the
    // callback returns); the destructor, or a stop() from another thread, joins later.
    void stop();

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace goldenpath
