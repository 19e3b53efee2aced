// docs/staging-and-load.md example: a whole load (endpoint, users, SLA, profile) from one document.
// [readme:load_run_from_json]
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/load_run.hpp"

TEST(ReadmeLoadRunFromJson, ReadsEndpointUsersSlaAndProfile) {
    const auto options = goldenpath::LoadRunOptions::from_json(nlohmann::json::parse(R"({
        "url": "wss://staging.example.com/ws", "token": "tok-example",
        "users": 50, "sla": ["p95.completion<2000ms", "success>=99%"], "profile": "ag-ui"})"));
    EXPECT_EQ(options.users, 50U);  // LoadSettings, the base of LoadRunOptions
    EXPECT_EQ(options.sla.size(), 2U);
    EXPECT_EQ(options.profile.name, "ag-ui");
    EXPECT_EQ(options.config.url.host, "staging.example.com");  // EndpointConfig
}
// [end]
