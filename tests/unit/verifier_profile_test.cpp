#include "verifier_profile.hpp"  // first: the header is self-contained

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace goldenpath {
namespace {

using detail::GoldenStep;
using detail::VerifierProfile;

std::shared_ptr<const ProtocolProfile> shared(ProtocolProfile profile) {
    return std::make_shared<const ProtocolProfile>(std::move(profile));
}

TEST(VerifierProfile, GivesEachTypeTheRoleOfItsFirstMention) {
    ProtocolProfile profile = default_profile();
    // The ready type is also ignored: ready wins. A golden-path type also ignored stays ignored.
    profile.ignored_types.push_back(profile.agent_thinking);
    profile.terminal_failure_types.push_back("heartbeat");
    const VerifierProfile prepared(shared(profile));

    EXPECT_EQ(prepared.info("connection_established").role, EventRole::ready);
    EXPECT_EQ(prepared.info("agent_thinking").role, EventRole::ignored);
    EXPECT_EQ(prepared.info("heartbeat").role, EventRole::ignored);
    EXPECT_EQ(prepared.info("agent_error").role, EventRole::terminal_failure);
    EXPECT_EQ(prepared.info("agent_started").role, EventRole::run_event);
    EXPECT_EQ(prepared.info("agent_started").step, GoldenStep::started);
    EXPECT_EQ(prepared.info("tool_executing").step, GoldenStep::tool_executing);
    EXPECT_EQ(prepared.info("tool_completed").step, GoldenStep::tool_completed);
    EXPECT_EQ(prepared.info("agent_completed").step, GoldenStep::completed);
    EXPECT_EQ(prepared.info("agent_complete").role, EventRole::unknown);
    EXPECT_EQ(prepared.info("").role, EventRole::unknown);
}

// info() compares a type's first eight bytes before the whole name: types that share them, or
// are shorter, or differ only in a byte after them, still find their own entry.
TEST(VerifierProfile, TellsApartTypesThatShareTheirFirstEightBytes) {
    ProtocolProfile profile = default_profile();
    profile.agent_started = "RUN_STARTED_A";
    profile.agent_completed = "RUN_STARTED_B";
    profile.ready_type = "ok";
    profile.ignored_types = {"o", "RUN_STAR"};
    profile.terminal_failure_types = {"RUN_STARTED"};
    const VerifierProfile prepared(shared(profile));

    EXPECT_EQ(prepared.info("RUN_STARTED_A").step, GoldenStep::started);
    EXPECT_EQ(prepared.info("RUN_STARTED_B").step, GoldenStep::completed);
    const std::vector<std::pair<std::string_view, EventRole>> roles = {
        {"RUN_STARTED", EventRole::terminal_failure},
        {"RUN_STAR", EventRole::ignored},
        {"RUN_STARTED_C", EventRole::unknown},
        {"RUN_STA", EventRole::unknown},
        {"ok", EventRole::ready},
        {"o", EventRole::ignored},
        {std::string_view("ok\0", 3), EventRole::unknown},
        {std::string_view("o\0", 2), EventRole::unknown},
    };
    for (const auto& [type, role] : roles) {
        EXPECT_EQ(prepared.info(type).role, role) << "type of " << type.size() << " bytes";
    }
}

TEST(VerifierProfile, KnowsEachTypesRequiredFields) {
    const VerifierProfile prepared(shared(default_profile()));
    const auto* required = prepared.info("tool_completed").required;
    ASSERT_NE(required, nullptr);
    EXPECT_EQ(*required, default_profile().required_fields.at("tool_completed"));
    EXPECT_EQ(prepared.info("heartbeat").required, nullptr);
}

TEST(VerifierProfile, IsPreparedOncePerSharedProfile) {
    const auto profile = shared(default_profile());
    const auto first = detail::prepared(profile);
    EXPECT_EQ(detail::prepared(profile), first);
    EXPECT_EQ(&first->profile(), profile.get()) << "the profile is shared, not copied";
    EXPECT_NE(detail::prepared(shared(default_profile())), first);
}

TEST(VerifierProfile, AProfileGivenByValueSharesAnEqualOne) {
    ProtocolProfile profile = default_profile();
    profile.name = "by-value";
    const auto first = detail::prepared(profile);
    EXPECT_EQ(detail::prepared(profile), first);
    EXPECT_NE(&first->profile(), &profile) << "kept as a copy";
    profile.tool_name_field = "tool";
    EXPECT_NE(detail::prepared(profile), first) << "a different profile is prepared anew";
    EXPECT_EQ(detail::prepared(profile)->profile().tool_name_field, "tool");
}

TEST(VerifierProfile, FieldsOfAnEventAreWhatFindFieldFinds) {
    const ProtocolProfile profile = default_profile();
    const VerifierProfile prepared(shared(profile));
    using nlohmann::json;
    for (const json& body : {json{{"type", "tool_completed"},
                                  {"tool_name", "root"},
                                  {"results", nullptr},
                                  {"data", {{"tool_name", nullptr}, {"result", 1}}},
                                  {"payload", {{"tool_call_id", "c-1"}, {"results", "r"}}}},
                             json{{"type", "tool_completed"}, {"data", 1}, {"execution_id", 7}},
                             json{{"type", "tool_completed"}}}) {
        const Event event = make_event(body, profile);
        const auto fields = prepared.summarizer().fields(event);
        EXPECT_EQ(fields.get(prepared.tool_name_slot()),
                  profile.find_field(event.body, "tool_name"))
            << body.dump();
        ASSERT_EQ(prepared.call_id_slots().size(), 2U);
        EXPECT_EQ(fields.get(prepared.call_id_slots()[1]),
                  profile.find_field(event.body, "execution_id"))
            << body.dump();
        const auto& info = prepared.info("tool_completed");
        ASSERT_EQ(info.required_slots.size(), 2U);
        for (std::size_t i = 0; i < 3; ++i) {
            EXPECT_EQ(fields.get(info.required_slots[1][i]),
                      profile.find_field(event.body, (*info.required)[1][i]))
                << body.dump() << " " << (*info.required)[1][i];
        }
    }
}

}  // namespace
}  // namespace goldenpath
