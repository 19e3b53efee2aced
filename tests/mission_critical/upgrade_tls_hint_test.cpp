// A ws:// upgrade that fails says "the server may speak TLS: try wss://" only when the server
// looks like a TLS server (issue 13 item 14): its first bytes are a TLS record header, or it closed
// without sending a byte. A server that sent HTTP, however bad, or other garbage gets no hint.
#include <memory>
#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "goldenpath/beast_client.hpp"
#include "loopback_listener.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

namespace net = boost::asio;
using net::ip::tcp;
using testing::HasSubstr;
using testing::Not;

constexpr std::string_view kHint = "the server may speak TLS: try wss://";

// Reads each client's upgrade request, answers `reply` byte for byte and closes.
class RawUpgradeReplyServer {
  public:
    explicit RawUpgradeReplyServer(std::string reply) : reply_(std::move(reply)) {
        accept();
        listener_.start();
    }
    ~RawUpgradeReplyServer() { listener_.stop(); }

    std::string url() const { return "ws://127.0.0.1:" + std::to_string(listener_.port()) + "/ws"; }

  private:
    struct Exchange {
        explicit Exchange(tcp::socket s) : socket(std::move(s)) {}
        tcp::socket socket;
        net::streambuf request;
    };

    void accept() {
        listener_.acceptor().async_accept([this](boost::system::error_code ec, tcp::socket socket) {
            if (ec) {
                return;
            }
            auto exchange = std::make_shared<Exchange>(std::move(socket));
            net::async_read_until(exchange->socket, exchange->request, "\r\n\r\n",
                                  [this, exchange](boost::system::error_code, std::size_t) {
                                      net::async_write(
                                          exchange->socket, net::buffer(reply_),
                                          [exchange](boost::system::error_code, std::size_t) {
                                              boost::system::error_code ignored;
                                              exchange->socket.shutdown(tcp::socket::shutdown_both,
                                                                        ignored);
                                          });
                                  });
            accept();
        });
    }

    test::LoopbackListener listener_;
    std::string reply_;
};

Failure upgrade_failure(const std::string& reply) {
    RawUpgradeReplyServer server(reply);
    BeastClient client;
    const auto failure = client.connect(test::request_for(server.url()));
    EXPECT_TRUE(failure.has_value()) << "the upgrade passed against: " << reply.substr(0, 80);
    return failure.value_or(Failure{});
}

TEST(UpgradeTlsHintTest, GarbageStatusLineGetsNoHint) {
    const Failure failure = upgrade_failure("GARBAGE STATUS LINE\r\n\r\n");
    EXPECT_EQ(failure.phase, Phase::upgrade) << failure.to_string();
    EXPECT_THAT(test::all_text(failure), Not(HasSubstr(kHint)));
}

TEST(UpgradeTlsHintTest, BadSecWebSocketAcceptGetsNoHint) {
    const Failure failure = upgrade_failure(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBhbnN3ZXI=\r\n\r\n");
    EXPECT_EQ(failure.phase, Phase::upgrade) << failure.to_string();
    EXPECT_THAT(test::all_text(failure), Not(HasSubstr(kHint)));
}

TEST(UpgradeTlsHintTest, MissingUpgradeHeaderGetsNoHint) {
    const Failure failure =
        upgrade_failure("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n\r\n");
    EXPECT_EQ(failure.phase, Phase::upgrade) << failure.to_string();
    EXPECT_THAT(test::all_text(failure), Not(HasSubstr(kHint)));
}

TEST(UpgradeTlsHintTest, SixtyFourKilobyteHeaderGetsNoHint) {
    const Failure failure = upgrade_failure(
        "HTTP/1.1 101 Switching Protocols\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
    EXPECT_EQ(failure.phase, Phase::upgrade) << failure.to_string();
    EXPECT_THAT(test::all_text(failure), Not(HasSubstr(kHint)));
}

TEST(UpgradeTlsHintTest, TlsAlertRecordGetsTheHint) {
    // A TLS 1.2 fatal alert (handshake_failure), as some TLS servers answer a plain request.
    const Failure failure = upgrade_failure(std::string("\x15\x03\x03\x00\x02\x02\x28", 7));
    EXPECT_THAT(test::all_text(failure), HasSubstr(kHint));
}

TEST(UpgradeTlsHintTest, TlsProtocolVersionAlertGetsTheHint) {
    // The protocol_version alert in a TLS 1.0 record, what servers send to a request they cannot
    // read as a ClientHello.
    const Failure failure = upgrade_failure(std::string("\x15\x03\x01\x00\x02\x02\x46", 7));
    EXPECT_THAT(test::all_text(failure), HasSubstr(kHint));
}

TEST(UpgradeTlsHintTest, LongTlsHandshakeRecordGetsTheHint) {
    // A handshake record longer than an HTTP version, as a TLS server that reads the request as a
    // malformed ClientHello may send: the first bytes decide, not the length.
    const Failure failure =
        upgrade_failure(std::string("\x16\x03\x03\x00\x10", 5) + std::string(16, '\x01'));
    EXPECT_THAT(test::all_text(failure), HasSubstr(kHint));
}

TEST(UpgradeTlsHintTest, ShortGarbageThatIsNoTlsRecordGetsNoHint) {
    const Failure failure = upgrade_failure("NOPE\r\n");
    EXPECT_THAT(test::all_text(failure), Not(HasSubstr(kHint)));
}

TEST(UpgradeTlsHintTest, SilentCloseGetsTheHint) {
    // OpenSSL servers close on a plain-text request without sending a byte.
    const Failure failure = upgrade_failure("");
    EXPECT_THAT(test::all_text(failure), HasSubstr(kHint));
}

}  // namespace
}  // namespace goldenpath
