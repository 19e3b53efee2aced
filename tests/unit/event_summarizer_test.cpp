#include "event_summarizer.hpp"  // first: the header is self-contained

#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "goldenpath/event.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath {
namespace {

using nlohmann::json;

// Bodies that exercise find_field's precedence: containers in order, empty and non-object
// containers, nulls, the root, non-string and long values, the tool call id alternatives.
std::vector<json> bodies() {
    return {
        json{{"type", "tool_completed"},
             {"data", {{"tool_name", "search"}, {"tool_call_id", "call-1"}, {"results", {1}}}}},
        json{{"type", "agent_thinking"}, {"data", {{"reasoning", "hm"}}}},
        json{{"type", "agent_started"}, {"agent_name", "triage"}},
        json{{"type", "agent_error"}, {"status", 500}, {"message", "LLM quota exceeded"}},
        json{{"type", "tool_executing"}, {"tool_name", "search"}, {"execution_id", "e-7"}},
        json{{"type", "tool_executing"}, {"tool_name", std::string(100, 'a')}},
        json{{"type", "tool_executing"}, {"tool_name", std::string(50, 'a') + "\xc3\xa9"}},
        json{{"type", "x"},
             {"tool_name", "root"},
             {"data", {{"tool_name", "data"}}},
             {"payload", {{"tool_name", "payload"}}}},
        json{{"type", "x"}, {"tool_name", "root"}, {"payload", {{"tool_name", "payload"}}}},
        json{{"type", "x"}, {"tool_name", "root"}, {"data", {{"tool_name", nullptr}}}},
        json{{"type", "x"}, {"tool_name", "root"}, {"data", json::object()}},
        json{{"type", "x"}, {"tool_name", "root"}, {"data", "not an object"}},
        json{{"type", "x"}, {"tool_name", nullptr}},
        json{{"type", "x"},
             {"execution_id", "e-1"},
             {"data", {{"tool_call_id", nullptr}}},
             {"payload", {{"tool_call_id", "c-2"}}}},
        json{{"type", "x"}, {"execution_id", 7}, {"tool_call_id", false}},
        json{{"type", "agent_error"},
             {"error", {{"code", 1}}},
             {"error_message", "e"},
             {"detail", 1.5},
             {"message", json::array({1, 2})}},
        json{{"type", "x"}, {"status", "ok"}, {"agent_name", "a"}, {"unrelated", 1}},
        json{{"type", "x"}, {"data", {{"status", "done"}}}, {"status", "root"}},
        // Keys of one length, first and last character share the filter's bit: only names match.
        json{{"type", "x"}, {"m3e", "not a name"}, {"m2e", "a name"}, {"", "empty"}},
        json{{"type", "x"}, {"m3e", "not a name"}, {"data", {{"m1e", "first"}, {"mxe", 1}}}},
        // An object whose key shares a container's filter bit ("dzta", "data") is no container.
        json{{"type", "x"}, {"dzta", {{"tool_name", "impostor"}}}, {"tool_name", "root"}},
        json{{"type", "x"}, {"data", nullptr}, {"payload", {{"status", "p"}}}, {"status", "r"}},
        json::array({1, 2}),
        json("just a string"),
    };
}

// Profiles whose summary names collide, repeat or outnumber the fast path's limits.
std::vector<ProtocolProfile> profiles() {
    std::vector<ProtocolProfile> out;
    out.push_back(default_profile());
    ProtocolProfile renamed = default_profile();
    renamed.tool_name_field = "status";
    renamed.tool_call_id_fields = {"execution_id", "tool_call_id", "execution_id"};
    renamed.error_message_fields = {"message", "message", "agent_name"};
    renamed.detail_containers = {"payload", "data", "payload"};
    out.push_back(renamed);
    ProtocolProfile no_containers = default_profile();
    no_containers.detail_containers.clear();
    no_containers.tool_call_id_fields.clear();
    out.push_back(no_containers);
    ProtocolProfile many_names = default_profile();
    for (int i = 0; i < 20; ++i) {
        many_names.error_message_fields.push_back("error_" + std::to_string(i));
    }
    out.push_back(many_names);
    ProtocolProfile same_bits = default_profile();
    same_bits.error_message_fields = {"m1e", "m2e", ""};
    out.push_back(same_bits);
    ProtocolProfile many_containers = default_profile();
    many_containers.detail_containers = {"a", "b", "c", "d", "e", "f", "g", "data"};
    out.push_back(many_containers);
    return out;
}

TEST(EventSummarizer, WritesWhatEventSummaryWritesByteForByte) {
    for (const ProtocolProfile& profile : profiles()) {
        const detail::EventSummarizer summarizer(profile);
        for (const json& body : bodies()) {
            const Event event = make_event(body, profile);
            EXPECT_EQ(summarizer.summary(event), event.summary(profile))
                << "body " << body.dump() << ", tool_name_field " << profile.tool_name_field << ", "
                << profile.detail_containers.size() << " detail containers";
        }
    }
}

// The fields the verifier checks come from the same pass: each is what find_field finds.
TEST(EventSummarizer, FindsWhatFindFieldFinds) {
    const std::vector<std::string> names = {"tool_name", "tool_call_id", "execution_id", "status",
                                            "results",   "reasoning",    "data",         "m2e",
                                            "m3e",       "error",        "missing",      ""};
    for (const ProtocolProfile& profile : profiles()) {
        detail::EventSummarizer summarizer(profile);
        std::vector<std::size_t> slots;
        for (const std::string& name : names) {
            slots.push_back(summarizer.add_name(name));
        }
        for (const json& body : bodies()) {
            const Event event = make_event(body, profile);
            const detail::EventFields fields = summarizer.fields(event);
            for (std::size_t i = 0; i < names.size(); ++i) {
                EXPECT_EQ(fields.get(slots[i]), profile.find_field(event.body, names[i]))
                    << "field '" << names[i] << "' of " << body.dump() << ", "
                    << profile.detail_containers.size() << " detail containers";
            }
        }
    }
}

TEST(EventSummarizer, KeepsTheFirstContainersValue) {
    const ProtocolProfile profile = default_profile();
    const Event event = make_event(json{{"type", "tool_executing"},
                                        {"tool_name", "root"},
                                        {"payload", {{"tool_name", "payload"}}},
                                        {"data", {{"tool_name", "data"}}}},
                                   profile);
    EXPECT_EQ(detail::EventSummarizer(profile).summary(event), "tool_executing {tool_name: data}");
}

}  // namespace
}  // namespace goldenpath
