// A hostile server (RawFrameServer) against the real BeastClient and a full GoldenPathJourney:
// every frame-level and HTTP-level misbehaviour ends in one exact classified Failure within its
// deadline, or is handled correctly (the journey passes).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/beast_client.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "raw_frame_server.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using test::close_frame;
using test::deflated_text_frame;
using test::golden_events;
using test::Opcode;
using test::RawFrame;
using test::RawFrameServer;
using test::RawServerScript;
using test::text_frame;
using test::UpgradeAnswer;
using test::wire;
using testing::HasSubstr;

const Milliseconds kDeadline = scaled(Milliseconds{300});
// The phase deadline of the tests that wait one out (a silent or slowloris upgrade, an endless or
// silent run): what comes before it (connect, upgrade, the first events) takes a few ms on
// loopback.
const Milliseconds kWaitedDeadline = scaled(Milliseconds{150});
const double kSlackMs = 250.0 * timeout_scale();
// Kernel socket buffers on loopback hold a few MB at most; a client reading into memory on its
// own would let a flooding server write far more than this.
constexpr std::uint64_t kKernelBufferBound = 32U * 1024U * 1024U;

Timeouts fast_timeouts(Milliseconds deadline = kDeadline) {
    return test::every_phase(deadline, Milliseconds(100));
}

std::string ready_event() {
    return R"({"type":"connection_established","data":{"connection_id":"c-1","user_id":"u-1"}})";
}

std::string thinking_event(std::size_t n) {
    return nlohmann::json{
        {"type", "agent_thinking"},
        {"data", {{"reasoning", "step " + std::to_string(n) + " " + std::string(900, 'r')}}}}
        .dump();
}

// `text` as a text frame and continuations of at most `piece` bytes each.
std::vector<RawFrame> fragments(const std::string& text, std::size_t piece) {
    std::vector<RawFrame> frames;
    for (std::size_t at = 0; at < text.size(); at += piece) {
        RawFrame frame = text_frame(text.substr(at, piece));
        frame.opcode = at == 0 ? Opcode::text : Opcode::continuation;
        frame.fin = at + piece >= text.size();
        frames.push_back(std::move(frame));
    }
    return frames;
}

// A BeastClient whose ConnectRequest gets the fields a test sets (max_message_bytes,
// permessage_deflate, keepalive), which a journey's EndpointConfig does not carry.
class TunedClient final : public WebSocketClient {
  public:
    explicit TunedClient(std::function<void(ConnectRequest&)> tune) : tune_(std::move(tune)) {}

    std::optional<Failure> connect(const ConnectRequest& request) override {
        ConnectRequest tuned = request;
        tune_(tuned);
        return inner_.connect(tuned);
    }
    std::optional<Failure> send_text(std::string_view text) override {
        return inner_.send_text(text);
    }
    ReceiveResult receive(Clock::time_point deadline) override { return inner_.receive(deadline); }
    std::vector<ReceivedFrame> close(int code, std::string_view reason,
                                     Clock::time_point deadline) override {
        return inner_.close(code, reason, deadline);
    }
    std::string selected_subprotocol() const override { return inner_.selected_subprotocol(); }

  private:
    std::function<void(ConnectRequest&)> tune_;
    BeastClient inner_;
};

class HostileServerTest : public testing::Test {
  protected:
    // Runs a journey against `server` and remembers how long it took.
    JourneyResult RunJourney(const RawFrameServer& server,
                             std::function<void(ConnectRequest&)> tune = {},
                             Milliseconds deadline = kDeadline) {
        JourneyOptions options;
        options.config.url = Url::parse(server.url());
        options.config.timeouts = fast_timeouts(deadline);
        GoldenPathJourney journey(std::move(options));
        TunedClient client(tune ? std::move(tune) : [](ConnectRequest&) {});
        const auto started = Clock::now();
        JourneyResult result = journey.run(client);
        elapsed_ms_ = elapsed_ms(started, Clock::now());
        return result;
    }

    // The journey failed as `kind_label` (e.g. "malformed_frame(1)") within the deadline.
    void ExpectFailure(const JourneyResult& result, std::string_view kind_label,
                       double deadline_ms = static_cast<double>(kDeadline.count())) {
        ASSERT_TRUE(result.failure) << "expected " << kind_label << ", but the journey passed\n"
                                    << result.to_string();
        EXPECT_EQ(result.failure->kind_label(), kind_label) << result.to_string();
        EXPECT_LT(elapsed_ms_, deadline_ms + kSlackMs)
            << "the journey ended " << elapsed_ms_ << " ms after it started\n"
            << result.to_string();
    }

    void ExpectPassed(const JourneyResult& result) {
        EXPECT_TRUE(result.passed()) << result.to_string();
        EXPECT_LT(elapsed_ms_, kSlackMs) << result.to_string();
    }

    double elapsed_ms_ = 0;
};

std::vector<RawFrame> golden_frames() {
    std::vector<RawFrame> frames{text_frame(ready_event())};
    for (const auto& event : golden_events()) {
        frames.push_back(text_frame(event));
    }
    return frames;
}

// ---- frame size ----

TEST_F(HostileServerTest, FrameAnnouncingMoreThanTheDefaultLimitIsMalformedFrameNamingTheLimit) {
    RawFrame huge = text_frame("{");
    huge.declared_length = std::uint64_t{1} << 30U;  // 1 GiB announced, never sent
    RawServerScript script;
    script.after_upgrade = wire({text_frame(ready_event()), huge});
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server);

    ExpectFailure(result, "malformed_frame(1)");
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->close_code, 1009);
    EXPECT_THAT(result.failure->detail, HasSubstr("max_message_bytes = 16777216 bytes"));
    EXPECT_THAT(result.failure->detail, HasSubstr("message_too_big"));
    EXPECT_TRUE(server.wait_for_client_frame(Opcode::close, Clock::now() + test::kWait))
        << "the client did not send its 1009 close frame";
}

// The client masks what it sends in a buffer of at most 512 bytes; a longer message is still one
// frame on the wire, so a server that reads whole frames only gets it as it was sent.
TEST_F(HostileServerTest, ALongMessageFromTheClientIsOneFrameOnTheWire) {
    const RawFrameServer server(RawServerScript{});
    BeastClient client;
    ASSERT_TRUE(test::ok(client.connect(test::request_for(server.url()))));

    // Each message is masked in a buffer of its own size up to 512 bytes: every size around
    // those bounds, then a long one.
    const std::vector<std::size_t> sizes{0, 1, 7, 8, 100, 447, 448, 449, 511, 512, 513, 20000};
    for (const std::size_t size : sizes) {
        ASSERT_TRUE(test::ok(client.send_text(std::string(size, 'x')))) << size;
    }

    EXPECT_TRUE(server.wait_for_client_frame(Opcode::text, Clock::now() + test::kWait));
    client.close(1000, "done", Clock::now() + kDeadline);
    EXPECT_TRUE(server.wait_for_client_frame(Opcode::close, Clock::now() + test::kWait));
    EXPECT_EQ(server.client_frames(Opcode::text), sizes.size());
    EXPECT_EQ(server.client_frames(Opcode::continuation), 0U)
        << "the message was cut into frames of the write buffer's size";
}

TEST_F(HostileServerTest, ConfiguredLimitAcceptsExactlyMaxMessageBytesAndRejectsOneMore) {
    RawServerScript script;
    script.after_upgrade =
        wire({text_frame(std::string(1024, 'a')), text_frame(std::string(1025, 'b'))});
    const RawFrameServer server(std::move(script));
    BeastClient client;
    ConnectRequest request = test::request_for(server.url());
    request.max_message_bytes = 1024;
    ASSERT_TRUE(test::ok(client.connect(request)));

    const auto at_limit = client.receive(Clock::now() + kDeadline);
    ASSERT_EQ(at_limit.status, ReceiveResult::Status::frame);
    EXPECT_EQ(at_limit.frame.text.size(), 1024U);
    const auto over_limit = client.receive(Clock::now() + kDeadline);

    ASSERT_EQ(over_limit.status, ReceiveResult::Status::error);
    EXPECT_EQ(over_limit.failure.kind_label(), "malformed_frame(1)")
        << over_limit.failure.to_string();
    EXPECT_EQ(over_limit.failure.close_code, 1009);
    EXPECT_THAT(over_limit.failure.to_string(), HasSubstr("max_message_bytes = 1024 bytes"));
    const auto after = client.receive(Clock::now() + kDeadline);
    EXPECT_EQ(after.status, ReceiveResult::Status::closed);
    EXPECT_EQ(after.close.code, 1009);
}

// The client reads a message's first 512 bytes into a small buffer and the rest in a second step:
// every length around those steps, whole or in fragments, arrives as it was sent.
TEST_F(HostileServerTest, MessagesOfEveryLengthAroundTheFirstReadArriveWhole) {
    std::vector<std::string> messages;
    for (const std::size_t size :
         {0U, 1U, 511U, 512U, 513U, 1023U, 1535U, 1536U, 1537U, 4097U, 70'000U}) {
        std::string text(size, 'a');
        for (std::size_t i = 0; i < size; ++i) {
            text[i] = static_cast<char>('a' + (i * 7 + size) % 26);
        }
        messages.push_back(std::move(text));
    }
    std::vector<RawFrame> frames;
    for (const auto& text : messages) {
        frames.push_back(text_frame(text));
    }
    for (const std::size_t piece : {100U, 511U, 600U}) {
        for (auto& fragment : fragments(messages[9], piece)) {
            frames.push_back(std::move(fragment));
        }
    }
    RawFrame binary = text_frame(std::string(700, '\x7f'));
    binary.opcode = Opcode::binary;
    frames.push_back(binary);
    RawServerScript script;
    script.after_upgrade = wire(frames);
    const RawFrameServer server(std::move(script));
    BeastClient client;
    ASSERT_TRUE(test::ok(client.connect(test::request_for(server.url()))));

    for (std::size_t i = 0; i < messages.size() + 3; ++i) {
        const auto& expected = i < messages.size() ? messages[i] : messages[9];
        const auto received = client.receive(Clock::now() + kDeadline);
        ASSERT_EQ(received.status, ReceiveResult::Status::frame) << "message " << i;
        EXPECT_FALSE(received.frame.binary) << "message " << i;
        EXPECT_EQ(received.frame.text.size(), expected.size()) << "message " << i;
        EXPECT_TRUE(received.frame.text == expected) << "message " << i << " differs";
    }
    const auto last = client.receive(Clock::now() + kDeadline);
    ASSERT_EQ(last.status, ReceiveResult::Status::frame);
    EXPECT_TRUE(last.frame.binary);
    EXPECT_EQ(last.frame.text, std::string(700, '\x7f'));
}

TEST_F(HostileServerTest, EndlessFragmentedMessageStopsAtTheLimitWithoutBufferingTheRest) {
    constexpr std::size_t kPiece = 64U * 1024U;
    RawServerScript script;
    script.flood = [](std::size_t chunk) {
        RawFrame piece = text_frame(std::string(kPiece, 'x'));
        piece.fin = false;
        piece.opcode = chunk == 0 ? Opcode::text : Opcode::continuation;
        return piece.bytes();
    };
    const RawFrameServer server(std::move(script));
    BeastClient client;
    ConnectRequest request = test::request_for(server.url());
    request.max_message_bytes = 1024U * 1024U;
    ASSERT_TRUE(test::ok(client.connect(request)));

    const auto started = Clock::now();
    const auto received = client.receive(started + kDeadline);

    ASSERT_EQ(received.status, ReceiveResult::Status::error);
    EXPECT_EQ(received.failure.kind_label(), "malformed_frame(0)") << received.failure.to_string();
    EXPECT_EQ(received.failure.close_code, 1009);
    EXPECT_LT(elapsed_ms(started, Clock::now()), static_cast<double>(kDeadline.count()) + kSlackMs);
    EXPECT_LT(server.bytes_written(), kKernelBufferBound)
        << "the server could write " << server.bytes_written()
        << " bytes: the client kept reading after the limit";
}

// ---- fragmentation and control frames ----

TEST_F(HostileServerTest, FragmentedMessagesAreReassembledAndTheJourneyPasses) {
    std::vector<RawFrame> frames{text_frame(ready_event())};
    for (const auto& event : golden_events()) {
        for (auto& fragment : fragments(event, 7)) {
            frames.push_back(std::move(fragment));
        }
    }
    RawServerScript script;
    script.after_upgrade = wire(frames);
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server);

    ExpectPassed(result);
    std::vector<std::string> expected{ready_event()};
    for (const auto& event : golden_events()) {
        expected.push_back(event);
    }
    EXPECT_EQ(result.frames, expected);
}

TEST_F(HostileServerTest, PingBetweenFragmentsIsAnsweredAndTheJourneyPasses) {
    std::vector<RawFrame> frames{text_frame(ready_event())};
    RawFrame ping;
    ping.opcode = Opcode::ping;
    ping.payload = "are you there";
    for (const auto& event : golden_events()) {
        auto pieces = fragments(event, event.size() / 2 + 1);
        frames.push_back(pieces[0]);
        frames.push_back(ping);
        frames.push_back(pieces[1]);
    }
    RawServerScript script;
    script.after_upgrade = wire(frames);
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server);

    ExpectPassed(result);
    EXPECT_EQ(result.frames.size(), 6U) << result.to_string();
    EXPECT_TRUE(server.wait_for_client_frame(Opcode::pong, Clock::now() + test::kWait))
        << "no pong arrived for the pings between fragments";
}

// ---- frames a client must reject (RFC 6455 §5.2, §8.1) ----

TEST_F(HostileServerTest, InvalidUtf8InTextFrameIsMalformedFrameClosed1007) {
    RawServerScript script;
    script.after_upgrade =
        wire({text_frame(ready_event()),
              text_frame("{\"type\":\"agent_started\",\"agent_name\":\"\xff\xfe\"}")});
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server);

    ExpectFailure(result, "malformed_frame(1)");
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->close_code, 1007);
    EXPECT_THAT(result.failure->detail, HasSubstr("protocol violation by the server"));
    EXPECT_THAT(result.failure->detail, HasSubstr("bad_frame_payload"));
}

TEST_F(HostileServerTest, ReservedBitWithoutExtensionIsMalformedFrameClosed1002) {
    RawFrame started = text_frame(golden_events()[0]);
    started.rsv2 = true;
    RawServerScript script;
    script.after_upgrade = wire({text_frame(ready_event()), started});
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server);

    ExpectFailure(result, "malformed_frame(1)");
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->close_code, 1002);
    EXPECT_THAT(result.failure->detail, HasSubstr("bad_reserved_bits"));
}

TEST_F(HostileServerTest, MaskedServerFrameIsMalformedFrameClosed1002) {
    RawFrame started = text_frame(golden_events()[0]);
    started.mask = std::array<unsigned char, 4>{1, 2, 3, 4};
    RawServerScript script;
    script.after_upgrade = wire({text_frame(ready_event()), started});
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server);

    ExpectFailure(result, "malformed_frame(1)");
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->close_code, 1002);
    EXPECT_THAT(result.failure->detail, HasSubstr("bad_masked_frame"));
}

// ---- HTTP-level misbehaviour ----

TEST_F(HostileServerTest, ServerThatNeverAnswersTheUpgradeIsTimeoutUpgrade) {
    RawServerScript script;
    script.upgrade = UpgradeAnswer::never;
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server, {}, kWaitedDeadline);

    ExpectFailure(result, "timeout(upgrade)", static_cast<double>(kWaitedDeadline.count()));
    EXPECT_GE(elapsed_ms_, static_cast<double>(kWaitedDeadline.count()));
    EXPECT_TRUE(server.wait_for_request(Clock::now()).has_value()) << "no upgrade request arrived";
}

TEST_F(HostileServerTest, SlowlorisUpgradeResponseIsTimeoutUpgrade) {
    RawServerScript script;
    script.upgrade = UpgradeAnswer::slowloris;
    script.slowloris_interval = Milliseconds(10);  // ~130 bytes: about 1.3 s for the whole answer
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server, {}, kWaitedDeadline);

    ExpectFailure(result, "timeout(upgrade)", static_cast<double>(kWaitedDeadline.count()));
    EXPECT_GE(elapsed_ms_, static_cast<double>(kWaitedDeadline.count()));
    // It did answer, a byte at a time: about 15 of the ~130 bytes before the deadline.
    EXPECT_GE(server.slowloris_bytes_written(), 5U);
    EXPECT_LT(server.slowloris_bytes_written(), 100U);
}

// ---- close ----

TEST_F(HostileServerTest, DataAfterTheCloseFrameIsNeverDelivered) {
    const auto events = golden_events();
    RawServerScript script;
    script.after_upgrade =
        wire({text_frame(ready_event()), text_frame(events[0]), close_frame(1011, "agent crashed"),
              text_frame(events[1]), text_frame(events[2])});
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server);

    ExpectFailure(result, "closed(1011)");
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->close_reason, "agent crashed");
    EXPECT_EQ(result.failure->after_event, std::optional<std::size_t>(1));
    EXPECT_EQ(result.frames.size(), 2U) << result.to_string();
}

TEST_F(HostileServerTest, DataAfterTheCloseFrameFromAServerThatKeepsTheSocketOpen) {
    RawServerScript script;
    script.echo_close = false;
    script.after_upgrade = wire({text_frame(ready_event()), close_frame(1000, "done")});
    script.flood = [](std::size_t n) { return text_frame(thinking_event(n)).bytes(); };
    const RawFrameServer server(std::move(script));
    BeastClient client;
    ASSERT_TRUE(test::ok(client.connect(test::request_for(server.url()))));
    ASSERT_EQ(client.receive(Clock::now() + kDeadline).status, ReceiveResult::Status::frame);

    const auto started = Clock::now();
    const auto closed = client.receive(started + kDeadline);

    EXPECT_EQ(closed.status, ReceiveResult::Status::closed);
    EXPECT_EQ(closed.close.code, 1000);
    EXPECT_EQ(closed.close.reason, "done");
    EXPECT_LT(elapsed_ms(started, Clock::now()), static_cast<double>(kDeadline.count()) + kSlackMs);
}

// ---- slow consumer ----

TEST_F(HostileServerTest, FloodedClientLeavesTheBytesInTheKernelWhileItIsNotReading) {
    RawServerScript script;
    script.after_upgrade = wire({text_frame(ready_event())});
    script.flood = [](std::size_t n) { return text_frame(thinking_event(n)).bytes(); };
    const RawFrameServer server(std::move(script));
    BeastClient client;
    ASSERT_TRUE(test::ok(client.connect(test::request_for(server.url()))));

    const auto blocked_at = server.wait_for_flood_blocked(Clock::now() + test::kWait);

    ASSERT_TRUE(blocked_at.has_value())
        << "the server wrote " << server.bytes_written()
        << " bytes without ever blocking: something drains the socket";
    EXPECT_LT(*blocked_at, kKernelBufferBound);
    // ... and every frame is still there, in order, when the client reads again.
    EXPECT_EQ(test::receive_json(client)["type"], "connection_established");
    for (std::size_t n = 0; n < 100; ++n) {
        const auto received = client.receive(Clock::now() + kDeadline);
        ASSERT_EQ(received.status, ReceiveResult::Status::frame);
        ASSERT_EQ(received.frame.text, thinking_event(n));
    }
}

TEST_F(HostileServerTest, EndlessFloodOfEventsEndsAsTimeoutCompletionAtTheDeadline) {
    RawServerScript script;
    script.after_upgrade = wire({text_frame(ready_event()), text_frame(golden_events()[0])});
    script.flood = [](std::size_t n) { return text_frame(thinking_event(n)).bytes(); };
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server, {}, kWaitedDeadline);

    ExpectFailure(result, "timeout(completion)", static_cast<double>(kWaitedDeadline.count()));
    ASSERT_TRUE(result.failure);
    ASSERT_TRUE(result.failure->after_event.has_value());
    // ~1 KB each: hundreds of events are handled before the deadline ends the run (83 in 300 ms
    // under ThreadSanitizer), far more than a run's five.
    EXPECT_GT(*result.failure->after_event, 20U)
        << "the journey handled too few events to call this a flood";
}

// ---- permessage-deflate ----

TEST_F(HostileServerTest, CompressedFramesPassWhenDeflateWasNegotiated) {
    std::vector<RawFrame> frames{deflated_text_frame(ready_event())};
    for (const auto& event : golden_events()) {
        frames.push_back(deflated_text_frame(event));
    }
    RawServerScript script;
    script.upgrade = UpgradeAnswer::accept_with_deflate;
    script.after_upgrade = wire(frames);
    const RawFrameServer server(std::move(script));

    const auto result =
        RunJourney(server, [](ConnectRequest& request) { request.permessage_deflate = true; });

    ExpectPassed(result);
    EXPECT_EQ(result.frames.size(), 6U);
    const auto request = server.wait_for_request(Clock::now());
    ASSERT_TRUE(request);
    EXPECT_THAT(*request, HasSubstr("permessage-deflate"));
}

TEST_F(HostileServerTest, CompressedFrameWithoutNegotiationIsMalformedFrameClosed1002) {
    RawServerScript script;
    script.after_upgrade =
        wire({text_frame(ready_event()), deflated_text_frame(golden_events()[0])});
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server);

    ExpectFailure(result, "malformed_frame(1)");
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->close_code, 1002);
    EXPECT_THAT(result.failure->detail, HasSubstr("bad_reserved_bits"));
    const auto request = server.wait_for_request(Clock::now());
    ASSERT_TRUE(request);
    EXPECT_THAT(*request, testing::Not(HasSubstr("permessage-deflate")));
}

TEST_F(HostileServerTest, DeflateSelectedWithoutBeingOfferedFailsTheUpgrade) {
    RawServerScript script;
    script.upgrade = UpgradeAnswer::accept_with_deflate;
    script.after_upgrade = wire(golden_frames());
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server);

    ExpectFailure(result, "closed(1006)");
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->phase, Phase::upgrade);
    EXPECT_THAT(result.failure->detail, HasSubstr("did not offer"));
    EXPECT_THAT(result.failure->detail, HasSubstr("permessage-deflate"));
}

// ---- keepalive ----

TEST_F(HostileServerTest, KeepalivePeerThatNeverPongsIsStalledAfterTwoIntervals) {
    constexpr Milliseconds kKeepalive{50};
    RawServerScript script;
    script.after_upgrade = wire({text_frame(ready_event()), text_frame(golden_events()[0])});
    const RawFrameServer server(std::move(script));

    const auto result =
        RunJourney(server, [&](ConnectRequest& request) { request.keepalive = kKeepalive; });

    ExpectFailure(result, "stalled", static_cast<double>(2 * kKeepalive.count()));
    ASSERT_TRUE(result.failure);
    EXPECT_THAT(result.failure->detail, HasSubstr("keepalive: no pong"));
    EXPECT_EQ(result.failure->waited_ms, 100.0);
    EXPECT_EQ(result.failure->after_event, 1U) << "agent_started arrived before the silence";
    EXPECT_GE(elapsed_ms_, static_cast<double>(2 * kKeepalive.count()));
    EXPECT_EQ(server.client_frames(Opcode::ping), 1U) << "one ping, then the stall";
}

TEST_F(HostileServerTest, KeepalivePingsThatArePongedKeepTheConnectionUntilTheJourneyGap) {
    RawServerScript script;
    script.answer_pings = true;
    script.after_upgrade = wire({text_frame(ready_event()), text_frame(golden_events()[0])});
    const RawFrameServer server(std::move(script));

    // Pings every 25 ms: six intervals before the deadline, far more than the two a peer that
    // never pongs gets.
    const auto result = RunJourney(
        server, [](ConnectRequest& request) { request.keepalive = Milliseconds(25); },
        kWaitedDeadline);

    // The journey's own deadline ends it, not the keepalive: the pongs kept the peer alive.
    ExpectFailure(result, "timeout(completion)", static_cast<double>(kWaitedDeadline.count()));
    ASSERT_TRUE(result.failure);
    EXPECT_THAT(result.failure->detail, testing::Not(HasSubstr("keepalive")));
    EXPECT_GE(result.failure->waited_ms, static_cast<double>(kWaitedDeadline.count()));
    EXPECT_GE(server.client_frames(Opcode::ping), 3U);
}

TEST_F(HostileServerTest, NonPositiveKeepaliveIsAConfigErrorNamingTheField) {
    const RawFrameServer server(RawServerScript{});
    BeastClient client;
    ConnectRequest request = test::request_for(server.url());
    request.keepalive = Milliseconds(0);
    try {
        (void)client.connect(request);
        ADD_FAILURE() << "connect accepted keepalive = 0 ms";
    } catch (const ConfigError& error) {
        // The name and requirement EndpointConfig::validate gives the same value.
        EXPECT_EQ(error.field(), "/keepalive_ms");
        EXPECT_EQ(error.actual(), "0");
        EXPECT_THAT(error.what(), HasSubstr("must be a positive integer"));
    }
}

TEST_F(HostileServerTest, WithoutKeepaliveTheClientNeverPings) {
    RawServerScript script;
    script.after_upgrade = wire({text_frame(ready_event()), text_frame(golden_events()[0])});
    const RawFrameServer server(std::move(script));

    const auto result = RunJourney(server, {}, kWaitedDeadline);

    ExpectFailure(result, "timeout(completion)", static_cast<double>(kWaitedDeadline.count()));
    EXPECT_EQ(server.client_frames(Opcode::ping), 0U);
}

}  // namespace
}  // namespace goldenpath
