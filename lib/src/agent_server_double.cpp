// The server of AgentServerDouble: acceptor, io thread, recorded connections. Its connections are
// sessions (server_session.hpp) on the one io thread; the Impl outlives their handlers because
// stop() joins the thread before it goes away.
#include "goldenpath/agent_server_double.hpp"

#include "goldenpath/config_error.hpp"

#include "accept_loop.hpp"
#include "connection_journal.hpp"
#include "harness_error.hpp"
#include "server_session.hpp"
#include "tls_material.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

namespace goldenpath {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

constexpr auto kStopLimit = std::chrono::seconds(1);  // stop() waits at most this long
constexpr std::size_t kHarnessErrorsKept = 100;
constexpr Milliseconds kMaxCloseGrace = std::chrono::hours(1);

// The options, unless no double can serve with them: then ConfigError naming the field, before
// anything is bound.
AgentServerDoubleOptions validated(AgentServerDoubleOptions options) {
    if (options.close_grace < Milliseconds(1) || options.close_grace > kMaxCloseGrace) {
        throw ConfigError("goldenpath.server_double", "/close_grace_ms",
                          "must be 1-" + std::to_string(kMaxCloseGrace.count()),
                          std::to_string(options.close_grace.count()));
    }
    return options;
}

// The server: acceptor, io thread, recorded connections. AgentServerDouble::Impl is this.
class ServerCore : public detail::SessionHost {
  public:
    explicit ServerCore(AgentServerDoubleOptions options);
    // stop() throws only if joining the io thread fails (std::system_error), which leaves
    // nothing a destructor could do.
    ~ServerCore() override {
        try {
            stop();
        } catch (...) {
            // Nothing is left to tell: the double is being destroyed.
        }
    }
    ServerCore(const ServerCore&) = delete;
    ServerCore& operator=(const ServerCore&) = delete;

    // Starts the io thread, once the object is complete: a thread started in the constructor
    // raced with AgentServerDouble::Impl's construction (its vptr write) when a connection came at
    // once (ThreadSanitizer, goldenpath-server under the CLI tests).
    void start_serving() {
        thread_ = std::thread([this] { run(); });
    }
    void stop();

    const AgentServerDoubleOptions& options() const noexcept override { return options_; }
    net::io_context& ioc() noexcept override { return ioc_; }

    // Shared with the connection handles, which may outlive the server.
    detail::ConnectionJournal& journal() noexcept { return *journal_; }
    const std::shared_ptr<detail::ConnectionJournal>& journal_ptr() const noexcept override {
        return journal_;
    }

    std::uint16_t port() const noexcept { return port_; }

    // One line for a human (options.log, else stderr).
    void log(const std::string& line) const;
    // A callback of the test's own double threw (`error` from detail::harness_error): kept for
    // harness_errors() and logged. Any thread.
    void report_harness_error(const std::string& error) override;
    std::vector<std::string> harness_errors() const;

  private:
    void on_accepted(tcp::socket socket);
    void shutdown_all();
    void run() noexcept;

    AgentServerDoubleOptions options_;
    // Before ioc_: handlers still queued at destruction hold sessions whose streams use it.
    std::optional<ssl::context> tls_context_;  // options_.tls only
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::vector<std::weak_ptr<detail::ServerSession>> sessions_;  // io thread only
    std::size_t sweep_sessions_at_ = 64;  // when to drop ended ones (amortised)
    detail::AcceptLoop accept_loop_;
    std::shared_ptr<detail::ConnectionJournal> journal_;

    mutable std::mutex harness_mutex_;
    std::vector<std::string> harness_errors_;  // guarded by harness_mutex_

    // Guarded by run_mutex_; run_changed_ tells of every change.
    std::mutex run_mutex_;
    std::condition_variable run_changed_;
    std::thread::id io_thread_id_;  // set by the io thread itself
    bool run_finished_ = false;
    bool shutdown_posted_ = false;
    bool joining_ = false;  // one stop() joins; concurrent ones wait for stopped_
    bool stopped_ = false;  // joined and detached
    std::thread thread_;
};

ServerCore::ServerCore(AgentServerDoubleOptions options)
    : options_(validated(std::move(options))),
      acceptor_(ioc_),
      accept_loop_(
          acceptor_, [this](tcp::socket socket) { on_accepted(std::move(socket)); },
          [this](const std::string& line) { log(line); }),
      journal_(std::make_shared<detail::ConnectionJournal>(options_.journal_capacity)) {
    if (options_.tls) {
        tls_context_.emplace(detail::make_server_tls_context(options_.tls_certificate,
                                                             options_.require_client_certificate));
    }
    error_code ec;
    const auto address = net::ip::make_address(options_.host, ec);
    if (ec) {
        throw std::runtime_error("AgentServerDouble: host '" + options_.host +
                                 "' is not an IP address: " + ec.message());
    }
    const tcp::endpoint endpoint(address, options_.port);
    const auto fail = [&](std::string_view what) {
        throw std::runtime_error("AgentServerDouble: cannot " + std::string(what) + " " +
                                 options_.host + ":" + std::to_string(options_.port) + ": " +
                                 ec.message());
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) {
        fail("open a socket for");
    }
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (address.is_v6()) {
        acceptor_.set_option(net::ip::v6_only(true), ec);
    }
    acceptor_.bind(endpoint, ec);
    if (ec) {
        fail("bind");
    }
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        fail("listen on");
    }
    port_ = acceptor_.local_endpoint(ec).port();
    accept_loop_.start();
}

void ServerCore::run() noexcept {
    {
        const std::lock_guard lock(run_mutex_);
        io_thread_id_ = std::this_thread::get_id();
    }
    for (;;) {
        try {
            ioc_.run();
            break;
        } catch (...) {  // a throwing handler must not take the process down; keep serving
            try {
                report_harness_error(
                    detail::harness_error("an io handler", detail::describe_current_exception()));
            } catch (...) {  // out of memory while reporting: keep serving all the same
            }
        }
    }
    {
        const std::lock_guard lock(run_mutex_);
        run_finished_ = true;
    }
    run_changed_.notify_all();
}

void ServerCore::on_accepted(tcp::socket socket) {
    if (sessions_.size() >= sweep_sessions_at_) {
        sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                       [](const std::weak_ptr<detail::ServerSession>& s) {
                                           return s.expired();
                                       }),
                        sessions_.end());
        sweep_sessions_at_ = std::max<std::size_t>(64, 2 * sessions_.size());
    }
    const auto accepted_at = Clock::now();
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // no Nagle delay on small frames
    const std::shared_ptr<detail::ServerSession> session =
        tls_context_
            ? detail::make_server_session(*this, accepted_at, std::move(socket), *tls_context_)
            : detail::make_server_session(*this, accepted_at, std::move(socket));
    sessions_.push_back(session);
    session->start();
}

void ServerCore::log(const std::string& line) const {
    if (options_.log) {
        options_.log(line);
        return;
    }
    std::cerr << "[goldenpath.server_double] " << line << std::endl;
}

void ServerCore::report_harness_error(const std::string& error) {
    {
        const std::lock_guard lock(harness_mutex_);
        if (harness_errors_.size() < kHarnessErrorsKept) {
            harness_errors_.push_back(error);
        }
    }
    log(error);
}

std::vector<std::string> ServerCore::harness_errors() const {
    const std::lock_guard lock(harness_mutex_);
    return harness_errors_;
}

void ServerCore::shutdown_all() {
    error_code ignored;
    accept_loop_.stop();
    acceptor_.close(ignored);
    for (const auto& weak : sessions_) {
        if (auto session = weak.lock()) {
            session->shutdown();
        }
    }
}

// From the io thread (a callback of the test's double) stop() only starts the shutdown: joining
// there would join itself. The destructor, or a stop() from another thread, joins later.
void ServerCore::stop() {
    std::unique_lock lock(run_mutex_);
    if (!shutdown_posted_) {
        shutdown_posted_ = true;
        net::post(ioc_, [this] { shutdown_all(); });
    }
    if (std::this_thread::get_id() == io_thread_id_) {
        return;
    }
    if (joining_) {  // another thread stops (or stopped) it: done when that one is
        run_changed_.wait(lock, [this] { return stopped_; });
        return;
    }
    joining_ = true;
    if (!run_changed_.wait_until(lock, Clock::now() + kStopLimit,
                                 [this] { return run_finished_; })) {
        ioc_.stop();
    }
    lock.unlock();
    std::exception_ptr join_error;  // concurrent stop()s must not wait for a join that failed
    try {
        if (thread_.joinable()) {
            thread_.join();
        }
    } catch (...) {
        join_error = std::current_exception();
    }
    journal_->detach();
    {
        const std::lock_guard stopped_lock(run_mutex_);
        stopped_ = true;
    }
    run_changed_.notify_all();
    if (join_error) {
        std::rethrow_exception(join_error);
    }
}

}  // namespace

class AgentServerDouble::Impl : public ServerCore {
  public:
    using ServerCore::ServerCore;
};

AgentServerDouble::AgentServerDouble(AgentServerDoubleOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
    impl_->start_serving();
}

AgentServerDouble::~AgentServerDouble() {
    try {
        impl_->stop();
    } catch (...) {  // a destructor never throws
    }
}

std::uint16_t AgentServerDouble::port() const noexcept {
    return impl_->port();
}

namespace {

std::string double_url(const AgentServerDoubleOptions& options, std::uint16_t port,
                       std::string_view scheme) {
    const std::string& host = options.host;
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return std::string(scheme) + (options.tls ? "s://" : "://") + shown + ":" +
           std::to_string(port) + options.profile.path;
}

}  // namespace

std::string AgentServerDouble::url() const {
    return double_url(impl_->options(), impl_->port(), "ws");
}

std::string AgentServerDouble::event_stream_url() const {
    return double_url(impl_->options(), impl_->port(), "http");
}

std::filesystem::path AgentServerDouble::ca_file() const {
    return impl_->options().tls ? detail::tls_ca_file() : std::filesystem::path();
}

ClientCertificateFiles AgentServerDouble::client_certificate() const {
    return impl_->options().tls ? detail::tls_client_files() : ClientCertificateFiles{};
}

std::vector<RecordedConnection> AgentServerDouble::connections() const {
    return impl_->journal().connections();
}

bool AgentServerDouble::wait_for_connections(std::size_t count, Clock::time_point deadline) const {
    return impl_->journal().wait_for_connections(count, deadline);
}

bool AgentServerDouble::wait_for_messages(std::size_t id, std::size_t count,
                                          Clock::time_point deadline) const {
    return impl_->journal().wait_for_messages(id, count, deadline);
}

std::optional<int> AgentServerDouble::wait_closed(std::size_t id,
                                                  Clock::time_point deadline) const {
    const auto recording = impl_->journal().pin(id);
    return impl_->journal().wait_closed(*recording, deadline);
}

std::shared_ptr<ServerConnection> AgentServerDouble::wait_for_connection(
    Clock::time_point deadline) {
    const auto id = impl_->journal().take_opened(deadline);
    if (!id) {
        return nullptr;
    }
    return std::make_shared<ServerConnection>(impl_->journal_ptr(), *id);
}

std::vector<std::string> AgentServerDouble::harness_errors() const {
    return impl_->harness_errors();
}

void AgentServerDouble::stop() {
    impl_->stop();
}

}  // namespace goldenpath
