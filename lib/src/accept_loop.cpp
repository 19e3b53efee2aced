#include "accept_loop.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/error.hpp>

namespace goldenpath::detail {

AcceptLoop::AcceptLoop(boost::asio::ip::tcp::acceptor& acceptor, OnAccepted on_accepted, Log log)
    : acceptor_(acceptor),
      retry_timer_(acceptor.get_executor()),
      on_accepted_(std::move(on_accepted)),
      log_(std::move(log)) {}

void AcceptLoop::start() {
    accept();
}

void AcceptLoop::stop() {
    stopped_ = true;
    retry_timer_.cancel();
}

void AcceptLoop::accept() {
    acceptor_.async_accept(
        [this](const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket) {
            if (stopped_ || !acceptor_.is_open() || ec == boost::asio::error::operation_aborted) {
                return;
            }
            if (ec) {
                retry_after_error(ec);
                return;
            }
            if (failed_attempts_ > 0) {
                log_("accepting connections again after " + std::to_string(failed_attempts_) +
                     " failed attempts");
                failed_attempts_ = 0;
                backoff_ = std::chrono::milliseconds(0);
            }
            on_accepted_(std::move(socket));
            accept();
        });
}

void AcceptLoop::retry_after_error(const boost::system::error_code& ec) {
    if (failed_attempts_++ == 0) {
        log_("cannot accept a connection: " + ec.message() + "; retrying every " +
             std::to_string(kMaxBackoff.count()) + " ms at most until it works");
    }
    // The pending connection stays in the backlog, so an immediate retry would spin.
    backoff_ = std::clamp(backoff_ * 2, kFirstBackoff, kMaxBackoff);
    retry_timer_.expires_after(backoff_);
    retry_timer_.async_wait([this](const boost::system::error_code& timer_ec) {
        if (!timer_ec && !stopped_) {
            accept();
        }
    });
}

}  // namespace goldenpath::detail
