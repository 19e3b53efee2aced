// The socket plumbing the tests' raw servers share: an io_context, an acceptor on 127.0.0.1:0
// and the thread that runs them. Declare it as the owner's first member, so its io_context
// outlives every socket and timer of the owner, and call stop() first in the owner's destructor,
// so no handler runs while the owner's other members are destroyed.
#pragma once

#include <cstdint>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace goldenpath::test {

class LoopbackListener {
  public:
    LoopbackListener() {
        const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                      0);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(boost::asio::ip::tcp::acceptor::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
    }
    ~LoopbackListener() { stop(); }
    LoopbackListener(const LoopbackListener&) = delete;
    LoopbackListener& operator=(const LoopbackListener&) = delete;

    // Starts the thread; call it after the first accept is queued.
    void start() {
        thread_ = std::thread([this] { context_.run(); });
    }
    void stop() {
        context_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    boost::asio::io_context& context() { return context_; }
    boost::asio::ip::tcp::acceptor& acceptor() { return acceptor_; }
    std::uint16_t port() const { return port_; }

  private:
    boost::asio::io_context context_;
    boost::asio::ip::tcp::acceptor acceptor_{context_};
    std::uint16_t port_ = 0;
    std::thread thread_;
};

}  // namespace goldenpath::test
