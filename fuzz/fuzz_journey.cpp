// The whole journey (GoldenPathJourney::run(client)) against a server whose every frame comes from
// the fuzzer's bytes. A tiny WebSocketClient replays decoded operations in virtual time (nothing
// waits), so deadlines, stalls and close frames are reached at full speed.
//
// Input: byte 0 picks options (ready wait, what the end of the script means, a connect failure),
// then one operation per opcode byte (see Decoder). Invariants checked, each a __builtin_trap:
// - a verdict: passed with a completed, violation-free verdict, or a typed failure whose label and
//   message are not empty;
// - within the deadline: the wall time of one journey stays under its configured budget;
// - no secret: the token appears in none of JourneyResult::to_string(), to_json().dump() and
//   Failure::to_string(), although operations echo it into frames and close reasons.
// Memory is bounded by -rss_limit_mb / -malloc_limit_mb (scripts/run-fuzzers.sh). A leak is
// reported on stderr; with FUZZ_JOURNEY_LEAKS_NONFATAL set (local runs only) it does not stop the
// run, so a long run can explore past a leak that is already known.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/websocket_client.hpp"

namespace {

using goldenpath::Clock;
using goldenpath::Milliseconds;

constexpr std::string_view kToken = "tok-FUZZ-s3cr3t-Q7x9";
constexpr std::string_view kRunId = "run-fuzz";
constexpr std::string_view kThreadId = "thread-fuzz";

// What the replaying server does next, as the client sees it.
struct Step {
    enum class Kind { frame, close, delay, stall, transport_error };
    Kind kind = Kind::frame;
    std::string text;  // frame text or close reason
    bool binary = false;
    int close_code = 1000;
    Milliseconds delay{0};
    bool stalled_error = false;  // transport_error: stalled (keepalive) instead of malformed
};

// Reads the fuzzer's bytes front to back; past the end every read is 0.
class Bytes {
  public:
    Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool empty() const { return position_ >= size_; }
    std::uint8_t byte() { return empty() ? 0 : data_[position_++]; }
    std::size_t u16() { return std::size_t{byte()} << 8U | byte(); }
    std::string take(std::size_t count) {
        count = std::min(count, size_ - std::min(size_, position_));
        std::string out(reinterpret_cast<const char*>(data_ + position_), count);
        position_ += count;
        return out;
    }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t position_ = 0;
};

constexpr std::string_view kTypes[] = {"connection_established",
                                       "agent_started",
                                       "agent_thinking",
                                       "tool_executing",
                                       "tool_completed",
                                       "agent_completed",
                                       "agent_error",
                                       "heartbeat",
                                       "error",
                                       "partial_result",
                                       "",
                                       "mystery"};
constexpr std::string_view kFields[] = {
    "agent_name",   "thought",    "reasoning", "tool_name", "result",
    "results",      "status",     "message",   "error",     "final_response",
    "tool_call_id", "error_code", "detail",    "timestamp"};

// A string value from the bytes: raw content, the token, or the token inside content.
std::string value_from(Bytes& in) {
    const std::uint8_t choice = in.byte();
    switch (choice % 4U) {
        case 0:
            return in.take(in.byte() % 32U);
        case 1:
            return std::string(kToken);
        case 2:
            return in.take(in.byte() % 8U) + std::string(kToken) + in.take(in.byte() % 8U);
        default:
            return "Bearer " + std::string(kToken);
    }
}

// A JSON-escaped string literal (the bytes may hold quotes, backslashes and control bytes).
std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20U) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\u00";
            out += kHex[u >> 4U];
            out += kHex[u & 15U];
        } else {
            out += c;  // invalid UTF-8 stays: the parser must cope
        }
    }
    return out + '"';
}

// An event-shaped JSON frame: a known type, the right, another or no run_id, and a few fields
// (top level, in "data" or in "payload") whose values may carry the token.
std::string event_frame(Bytes& in) {
    const std::uint8_t shape = in.byte();
    std::string out = "{\"type\":" + json_string(kTypes[shape % std::size(kTypes)]);
    switch ((shape >> 4U) % 4U) {
        case 0:
            out += ",\"run_id\":" + json_string(kRunId);
            break;
        case 1:
            out += ",\"run_id\":" + json_string(value_from(in));
            break;
        case 2:
            out += ",\"run_id\":" + std::to_string(in.byte());
            break;
        default:
            break;
    }
    const std::uint8_t fields = in.byte();
    const bool nested = (fields & 0x80U) != 0;
    std::string body;
    for (std::size_t i = 0; i < (fields & 7U); ++i) {
        body += "," + json_string(kFields[in.byte() % std::size(kFields)]) + ":" +
                json_string(value_from(in));
    }
    if (nested && !body.empty()) {
        out += ",\"" + std::string((fields & 0x40U) != 0 ? "payload" : "data") + "\":{" +
               body.substr(1) + "}";
    } else {
        out += body;
    }
    return out + "}";
}

struct Script {
    std::vector<Step> steps;
    bool wait_for_ready = true;
    bool end_closes = false;    // after the last step: closed(1006) instead of silence
    bool fail_connect = false;  // connect fails as closed(1006) before the upgrade
};

// One opcode byte, then its operands.
Script decode(Bytes& in) {
    Script script;
    const std::uint8_t options = in.byte();
    script.wait_for_ready = (options & 1U) == 0;
    script.end_closes = (options & 2U) != 0;
    script.fail_connect = (options & 0xF0U) == 0xF0U;
    while (!in.empty()) {
        Step step;
        switch (in.byte() % 12U) {
            case 0:  // a text frame of raw bytes
                step.text = in.take(in.byte());
                break;
            case 1:  // a binary frame
                step.binary = true;
                step.text = in.take(in.byte());
                break;
            case 2:  // a close frame, any code, a reason that may echo the token
                step.kind = Step::Kind::close;
                step.close_code = static_cast<int>(in.u16());
                step.text = value_from(in);
                break;
            case 3:  // a ping: answered below the WebSocketClient, invisible to its caller
                (void)in.take(in.byte() % 126U);
                continue;
            case 4:
            case 5:
            case 6:  // an event-shaped frame (weighted: it reaches the verifier)
                step.text = event_frame(in);
                break;
            case 7:  // virtual time passes before the next frame
                step.kind = Step::Kind::delay;
                step.delay = Milliseconds(std::size_t{in.byte()} * 8U);
                break;
            case 8:  // the server stops sending
                step.kind = Step::Kind::stall;
                break;
            case 9:  // the transport fails (keepalive or a frame the WebSocket layer rejects)
                step.kind = Step::Kind::transport_error;
                step.stalled_error = (in.byte() & 1U) != 0;
                break;
            case 10: {  // one byte repeated (deep nesting, long strings), up to 256 KiB, raw
                        // or as the value of an event field
                const std::uint8_t shape = in.byte();
                const char fill = static_cast<char>(in.byte());
                const std::size_t count = in.u16() * (1U + (shape & 3U));
                std::string run = in.take(in.byte() % 4U) + std::string(count, fill);
                if ((shape & 8U) != 0) {
                    run.append(count, ']');  // balanced when the fill is '[': valid, deep JSON
                }
                if ((shape & 4U) != 0) {
                    step.text = "{\"type\":\"agent_thinking\",\"run_id\":" + json_string(kRunId) +
                                ",\"data\":{\"thought\":" + run + "}}";
                } else {
                    step.text = std::move(run) + in.take(in.byte() % 4U);
                }
                break;
            }
            default:  // the token in a raw text frame
                step.text =
                    in.take(in.byte() % 16U) + std::string(kToken) + in.take(in.byte() % 16U);
                break;
        }
        script.steps.push_back(std::move(step));
    }
    return script;
}

// Replays a decoded Script: frames are due at the connect time plus the delays before them, a
// receive() whose deadline comes first is a timeout (virtual time, like InMemoryClient).
class ReplayClient final : public goldenpath::WebSocketClient {
  public:
    explicit ReplayClient(Script script)
        : steps_(script.steps.begin(), script.steps.end()),
          end_closes_(script.end_closes),
          fail_connect_(script.fail_connect) {}

    std::optional<goldenpath::Failure> connect(const goldenpath::ConnectRequest& request) override {
        if (std::find(request.secrets.begin(), request.secrets.end(), kToken) ==
            request.secrets.end()) {
            __builtin_trap();  // the journey must register the token it sends
        }
        if (fail_connect_) {
            goldenpath::Failure failure;
            failure.kind = goldenpath::FailureKind::closed;
            failure.phase = goldenpath::Phase::upgrade;
            failure.close_code = 1006;
            failure.url = request.url.to_string();
            return failure;
        }
        connected_ = true;
        due_ = Clock::now();
        return std::nullopt;
    }

    std::optional<goldenpath::Failure> send_text(std::string_view /*text*/) override {
        if (!connected_ || closed_) {
            goldenpath::Failure failure;
            failure.kind = goldenpath::FailureKind::closed;
            failure.phase = goldenpath::Phase::completion;
            failure.close_code = 1006;
            return failure;
        }
        return std::nullopt;
    }

    goldenpath::ReceiveResult receive(Clock::time_point deadline) override {
        goldenpath::ReceiveResult result;
        // Delays only move virtual time; bounded by the number of steps.
        while (!steps_.empty() && steps_.front().kind == Step::Kind::delay) {
            due_ += steps_.front().delay;
            steps_.pop_front();
        }
        if (closed_ || !connected_) {
            result.status = goldenpath::ReceiveResult::Status::closed;
            result.close = closed_.value_or(goldenpath::CloseInfo{});
            return result;
        }
        if (steps_.empty()) {
            if (end_closes_) {
                closed_ = goldenpath::CloseInfo{1006, "end of script"};
                result.status = goldenpath::ReceiveResult::Status::closed;
                result.close = *closed_;
            } else {
                result.status = goldenpath::ReceiveResult::Status::timeout;
            }
            return result;
        }
        if (steps_.front().kind == Step::Kind::stall || due_ > deadline) {
            result.status = goldenpath::ReceiveResult::Status::timeout;
            return result;
        }
        Step step = std::move(steps_.front());
        steps_.pop_front();
        switch (step.kind) {
            case Step::Kind::close:
                closed_ = goldenpath::CloseInfo{step.close_code, std::move(step.text)};
                result.status = goldenpath::ReceiveResult::Status::closed;
                result.close = *closed_;
                return result;
            case Step::Kind::transport_error:
                closed_ = goldenpath::CloseInfo{1006, "transport error"};
                result.status = goldenpath::ReceiveResult::Status::error;
                result.failure.kind = step.stalled_error ? goldenpath::FailureKind::stalled
                                                         : goldenpath::FailureKind::malformed_frame;
                result.failure.phase = goldenpath::Phase::completion;
                result.failure.close_code = step.stalled_error ? 1006 : 1002;
                result.failure.frame_index = frames_;
                return result;
            default:
                break;
        }
        ++frames_;
        result.status = goldenpath::ReceiveResult::Status::frame;
        result.frame = goldenpath::ReceivedFrame{std::move(step.text), step.binary, due_};
        return result;
    }

    std::vector<goldenpath::ReceivedFrame> close(int code, std::string_view reason,
                                                 Clock::time_point /*deadline*/) override {
        std::vector<goldenpath::ReceivedFrame> late;
        if (!connected_ || closed_) {
            return late;
        }
        // Frames the server sent before it saw our close, up to its first non-frame step.
        while (!steps_.empty() && steps_.front().kind == Step::Kind::frame) {
            late.push_back(goldenpath::ReceivedFrame{std::move(steps_.front().text),
                                                     steps_.front().binary, due_});
            steps_.pop_front();
        }
        closed_ = goldenpath::CloseInfo{code, std::string(reason)};
        return late;
    }

    std::string selected_subprotocol() const override { return {}; }

  private:
    std::deque<Step> steps_;
    bool end_closes_;
    bool fail_connect_;
    bool connected_ = false;
    std::optional<goldenpath::CloseInfo> closed_;
    Clock::time_point due_{};
    std::size_t frames_ = 0;
};

bool leaks(std::string_view output) {
    return output.find(kToken) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes in(data, size);
    Script script = decode(in);

    goldenpath::JourneyOptions options;
    options.config.url = goldenpath::Url::parse("ws://agents.fuzz:80/ws");
    options.config.tokens = {goldenpath::Secret(std::string(kToken))};
    auto& timeouts = options.config.timeouts;
    timeouts.ready = Milliseconds(100);
    timeouts.first_event = Milliseconds(200);
    timeouts.max_gap = Milliseconds(200);
    timeouts.completion = Milliseconds(600);
    timeouts.close = Milliseconds(50);
    options.profile.wait_for_ready = script.wait_for_ready;
    options.thread_id = std::string(kThreadId);
    options.run_id = std::string(kRunId);

    ReplayClient client(std::move(script));
    const auto started = Clock::now();
    const auto result = goldenpath::GoldenPathJourney(std::move(options)).run(client);
    // Time is virtual, so the journey itself takes microseconds; its budget (ready + completion
    // + close) plus a generous allowance for the sanitizers is the bound.
    if (Clock::now() - started > Milliseconds(100 + 600 + 50) + std::chrono::seconds(5)) {
        __builtin_trap();
    }

    if (result.passed()) {
        if (!result.verdict.passed() || result.verdict.violation || !result.verdict.completed) {
            __builtin_trap();
        }
    } else if (result.failure->kind_label().empty() || result.failure->to_string().empty()) {
        __builtin_trap();
    }

    const char* leaked_in = leaks(result.to_string())        ? "JourneyResult::to_string()"
                            : leaks(result.to_json().dump()) ? "JourneyResult::to_json()"
                            : result.failure && leaks(result.failure->to_string())
                                ? "Failure::to_string()"
                                : nullptr;
    if (leaked_in != nullptr) {
        std::fprintf(stderr, "fuzz_journey: the token leaked in %s\n", leaked_in);
        // For long local runs while a known leak is open: count it and explore on. CI never sets
        // it.
        static const bool leaks_are_fatal = std::getenv("FUZZ_JOURNEY_LEAKS_NONFATAL") == nullptr;
        if (leaks_are_fatal) {
            __builtin_trap();
        }
    }
    return 0;
}
