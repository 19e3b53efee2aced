# Precompiled headers for goldenpath's own targets: the third-party headers that every source
# parses again (Boost.Beast/Asio in the core, GoogleTest/GoogleMock in the fixtures and tests) are
# compiled once per target instead of once per source. They are PRIVATE: nothing of them reaches
# the installed package or a consumer's flags. CMAKE_DISABLE_PRECOMPILE_HEADERS=ON builds without
# them, which is how scripts/run-clang-tidy.sh and a check for missing #includes see the sources.
# The sources still include what they use: the fuzz build compiles the model without them.

# What both the core and the tests parse in nearly every source.
set(GOLDENPATH_COMMON_PRECOMPILED_HEADERS
    <nlohmann/json.hpp>
    <fmt/format.h>
    <chrono>
    <map>
    <memory>
    <optional>
    <string>
    <string_view>
    <variant>
    <vector>)

set(GOLDENPATH_CORE_PRECOMPILED_HEADERS
    <boost/asio.hpp>
    <boost/asio/ssl.hpp>
    <boost/beast/core.hpp>
    <boost/beast/http.hpp>
    <boost/beast/ssl.hpp>
    <boost/beast/websocket.hpp>
    <boost/beast/websocket/ssl.hpp>
    ${GOLDENPATH_COMMON_PRECOMPILED_HEADERS})

set(GOLDENPATH_TEST_PRECOMPILED_HEADERS
    <gmock/gmock.h>
    <gtest/gtest.h>
    ${GOLDENPATH_COMMON_PRECOMPILED_HEADERS})

# The test binaries share one precompiled header, built by this object library with the flags
# they compile with (the fixtures' usage requirements, warnings, C++20); its one source is empty.
function(goldenpath_add_test_precompiled_headers)
    if(TARGET goldenpath_test_precompiled_headers)
        return()
    endif()
    add_library(goldenpath_test_precompiled_headers OBJECT
        ${PROJECT_SOURCE_DIR}/cmake/precompiled_headers_anchor.cpp)
    target_compile_features(goldenpath_test_precompiled_headers PRIVATE cxx_std_20)
    goldenpath_set_warnings(goldenpath_test_precompiled_headers)
    target_compile_options(goldenpath_test_precompiled_headers PRIVATE
        ${GOLDENPATH_TEST_COMPILE_OPTIONS})
    target_link_libraries(goldenpath_test_precompiled_headers PRIVATE goldenpath::fixtures
        GTest::gmock)
    target_precompile_headers(goldenpath_test_precompiled_headers
        PRIVATE ${GOLDENPATH_TEST_PRECOMPILED_HEADERS})
endfunction()
