// Issue 13, item 5: a server that mirrors everything it received (Authorization header,
// subprotocol, request line, query) into every place it can put text, and a sweep of every output
// format for the token and for any 4-byte piece of it (at a cut edge or anywhere else).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/fixtures/frame_trace.hpp"
#include "goldenpath/fixtures/tracing_websocket_client.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/load_summary.hpp"
#include "goldenpath/redactor.hpp"
#include "goldenpath/url.hpp"
#include "mirror_server.hpp"

namespace goldenpath {
namespace {

using test::MirrorOptions;
using test::MirrorPlace;
using test::MirrorServer;
using testing::HasSubstr;

// Characters that need escaping in JSON (" \), in a query (& + / space), in XML (& < '), and
// non-ASCII.
const std::string kToken = "Qx7\"Vb\\Kp&Zm+Wj/\xc3\xb1 9Hq<3R't";

struct Outputs {
    std::vector<std::pair<std::string, std::string>> named;  // format -> text
};

// Every output format a journey's result reaches.
Outputs outputs_of(const JourneyResult& result, const fixtures::FrameTrace& trace) {
    Outputs out;
    out.named.emplace_back("JourneyResult::to_string", result.to_string());
    out.named.emplace_back("JourneyResult::to_json", result.to_json().dump());
    if (result.failure) {
        out.named.emplace_back("Failure::to_string", result.failure->to_string());
    }
    out.named.emplace_back("frame trace JSONL", trace.to_jsonl("SecretMirrorSweep"));
    out.named.emplace_back("LoadSummary JSON",
                           LoadSummary::of({JourneySample::of(result)}).to_json().dump());
    return out;
}

// The first piece (4 bytes or more) of any form of the token found in `text`; empty when none.
std::string leaked_piece(std::string_view text) {
    for (const std::string& form : Redactor::forms_of(kToken)) {
        for (std::size_t i = 0; i + Redactor::kMinPartial <= form.size(); ++i) {
            const std::string piece = form.substr(i, Redactor::kMinPartial);
            if (text.find(piece) != std::string_view::npos) {
                return piece;
            }
        }
    }
    return {};
}

struct MirrorRun {
    JourneyResult result;
    std::string mirror;  // what the server echoed (proves the sweep is not vacuous)
    Outputs outputs;
};

MirrorRun run_against(MirrorOptions mirror_options) {
    MirrorServer server(mirror_options);
    auto trace = std::make_shared<fixtures::FrameTrace>();
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    options.config.tokens = {Secret(kToken)};
    // Fixed ids: generated ones are hex and may hold "00f1", a piece of the token's \u00f1 form.
    options.thread_id = "thread-sweep";
    options.run_id = "run-sweep";
    options.config.retry.max_attempts = 1;
    options.config.timeouts.first_event = Milliseconds(500);
    options.config.timeouts.max_gap = Milliseconds(500);
    options.profile.auth_methods = {AuthMethod::header, AuthMethod::subprotocol, AuthMethod::query};
    options.client_factory = fixtures::tracing_client_factory(trace);
    MirrorRun run;
    run.result = GoldenPathJourney(std::move(options)).run();
    run.mirror = server.wait_for_mirror(Clock::now() + Milliseconds(100)).value_or("");
    run.outputs = outputs_of(run.result, *trace);
    return run;
}

void expect_clean(const MirrorRun& run, const std::string& what) {
    // The token reached the server in all three places, so the mirror holds it three times.
    EXPECT_THAT(run.mirror, HasSubstr("Bearer " + kToken)) << what;
    EXPECT_THAT(run.mirror, HasSubstr("jwt-auth." + kToken)) << what;
    EXPECT_THAT(run.mirror, HasSubstr("token=Qx7%22Vb%5CKp%26Zm%2BWj%2F%C3%B1%209Hq%3C3R%27t"))
        << what;
    for (const auto& [format, text] : run.outputs.named) {
        EXPECT_EQ(leaked_piece(text), "") << what << ", " << format << ":\n" << text;
    }
}

class SecretMirrorSweep : public testing::TestWithParam<MirrorPlace> {};

TEST_P(SecretMirrorSweep, NoOutputHoldsAnyPieceOfTheToken) {
    const MirrorRun run = run_against(MirrorOptions{GetParam(), 0, 400});
    expect_clean(run, std::string(test::to_string(GetParam())));
    EXPECT_FALSE(run.result.frames.empty() && GetParam() != MirrorPlace::http_error_body);
}

INSTANTIATE_TEST_SUITE_P(EveryPlace, SecretMirrorSweep,
                         testing::Values(MirrorPlace::event_fields, MirrorPlace::foreign_ids,
                                         MirrorPlace::agent_error, MirrorPlace::unknown_type,
                                         MirrorPlace::close_reason, MirrorPlace::http_error_body,
                                         MirrorPlace::malformed_frame, MirrorPlace::binary_frame,
                                         MirrorPlace::summary_value),
                         [](const testing::TestParamInfo<MirrorPlace>& place) {
                             return std::string(test::to_string(place.param));
                         });

// The HTTP error body excerpt is cut at 200 bytes: the token at every offset around the cut, for
// a status that is an HTTP failure and one that is an auth rejection.
TEST(SecretMirrorSweepCuts, HttpErrorBodyAtEveryOffsetAroundTheExcerptCut) {
    // The body is padding, the request line (with the encoded token), then " | Bearer <token>".
    const std::string head_sample =
        MirrorServer::mirror_of("GET /ws?token=" + percent_encode(kToken) +
                                " HTTP/1.1\r\nAuthorization: Bearer " + kToken + "\r\n\r\n");
    const std::size_t token_at = head_sample.find("Bearer ") + 7;
    constexpr std::size_t kCut = 200;
    for (const int status : {404, 401}) {
        for (std::size_t start = kCut - kToken.size() - 2; start <= kCut + 1; ++start) {
            const std::size_t offset = start >= token_at ? start - token_at : 0;
            const MirrorRun run =
                run_against(MirrorOptions{MirrorPlace::http_error_body, offset, status});
            ASSERT_TRUE(run.result.failure);
            expect_clean(run, "HTTP " + std::to_string(status) + " token at byte " +
                                  std::to_string(offset + token_at));
        }
    }
}

// The malformed frame's excerpt is cut at 120 bytes and a summary value at 40: the token at
// every offset around both cuts.
TEST(SecretMirrorSweepCuts, FrameExcerptAndSummaryAtEveryOffsetAroundTheCut) {
    for (const auto& [place, cut] : {std::pair{MirrorPlace::malformed_frame, std::size_t{120}},
                                     std::pair{MirrorPlace::summary_value, std::size_t{40}}}) {
        for (std::size_t offset = cut > 70 ? cut - 70 : 0; offset <= cut; offset += 3) {
            const MirrorRun run = run_against(MirrorOptions{place, offset, 400});
            expect_clean(
                run, std::string(test::to_string(place)) + " at offset " + std::to_string(offset));
        }
    }
}

}  // namespace
}  // namespace goldenpath
