#pragma once
// Accepts connections until the acceptor closes. An accept error (EMFILE, ENFILE, ENOBUFS, ...)
// never ends the loop: it is retried after a short back-off on a timer (1 ms doubling up to
// 50 ms, so descriptors freed are used within 50 ms), logged once when the errors start and once
// when accepting works again. Internal: not installed.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace goldenpath::detail {

class AcceptLoop {
  public:
    using OnAccepted = std::function<void(boost::asio::ip::tcp::socket)>;
    using Log = std::function<void(const std::string&)>;

    static constexpr std::chrono::milliseconds kFirstBackoff{1};
    static constexpr std::chrono::milliseconds kMaxBackoff{50};

    // Runs on the acceptor's executor; `log` gets one line per failure streak and recovery.
    AcceptLoop(boost::asio::ip::tcp::acceptor& acceptor, OnAccepted on_accepted, Log log);

    void start();
    // Ends the loop; call on the acceptor's executor, then close the acceptor.
    void stop();

  private:
    void accept();
    void retry_after_error(const boost::system::error_code& ec);

    boost::asio::ip::tcp::acceptor& acceptor_;
    boost::asio::steady_timer retry_timer_;
    OnAccepted on_accepted_;
    Log log_;
    std::chrono::milliseconds backoff_{0};
    std::size_t failed_attempts_ = 0;
    bool stopped_ = false;
};

}  // namespace goldenpath::detail
