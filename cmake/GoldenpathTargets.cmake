# One helper makes every goldenpath target: warnings, C++20, and the goldenpath:: alias.

function(goldenpath_set_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE
            -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
            -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
        if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
            # g++ 12 at -O2/-O3 reports false -Wrestrict on std::string concatenation
            # (GCC bug 105329) and false -Warray-bounds inside nlohmann::json's destructor when
            # it inlines initializer lists (GCC bug 104475), both inside library headers. Its
            # false -Wstringop-overflow on the same concatenation shows once the standard headers
            # come from a precompiled header (GoldenpathPrecompiledHeaders.cmake). At -O2 (not
            # -O3) it reports false -Wmismatched-new-delete on every Asio coroutine: the frame is
            # allocated and freed by awaitable_frame_base's own operator new/delete pair, and
            # g++ 12 pairs the delete with the global new.
            target_compile_options(${target} PRIVATE -Wno-restrict -Wno-array-bounds
                -Wno-stringop-overflow -Wno-mismatched-new-delete)
        endif()
        if(GOLDENPATH_WARNINGS_AS_ERRORS)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    endif()
endfunction()

# goldenpath_add_library(<name> EXPORT_NAME <export> SOURCES ...)
# Creates target goldenpath_<name> with alias goldenpath::<export>.
function(goldenpath_add_library name)
    cmake_parse_arguments(ARG "" "EXPORT_NAME" "SOURCES" ${ARGN})
    set(target goldenpath_${name})
    add_library(${target} ${ARG_SOURCES})
    add_library(goldenpath::${ARG_EXPORT_NAME} ALIAS ${target})
    set_target_properties(${target} PROPERTIES
        EXPORT_NAME ${ARG_EXPORT_NAME}
        OUTPUT_NAME goldenpath_${name}
        POSITION_INDEPENDENT_CODE ON)
    target_compile_features(${target} PUBLIC cxx_std_20)
    goldenpath_set_warnings(${target})
endfunction()

function(goldenpath_add_executable name)
    add_executable(${name} ${ARGN})
    target_compile_features(${name} PRIVATE cxx_std_20)
    goldenpath_set_warnings(${name})
endfunction()

# goldenpath_add_test_suite(<target> LABEL <label> SOURCES ... [LIBS ...] [TIMEOUT seconds]
#                           [SHARDS n] [SEQUENTIAL])
# Every test binary carries its ctest label and a timeout (30 s unless given: soak tests measure
# for longer). `unit` binaries are one ctest test each: their tests take microseconds, and a
# process per test cost 10-15 ms each, most of the 10 s budget of unit + mission_critical.
# `mission_critical` binaries are one ctest test per GoogleTest shard (SHARDS, default 1): run test
# by test they took 21 s of process time against 10 s run whole (ctest's bookkeeping and each
# process's start-up cost more than most of these tests), and shards of the longer binaries keep
# both cores busy. They run without --gtest_brief, so a shard that hangs shows the `[ RUN ]` line
# of the test that hung. The other suites are discovered test by test (a process each) and report
# GTEST_SKIP as a ctest skip.
# SEQUENTIAL marks a `unit` binary whose subject is sequential code (parsers, models, reports,
# configuration): it also carries the label `sequential`, and the ThreadSanitizer run
# (scripts/run-sanitizers.sh tsan) neither builds nor runs it. ASan+UBSan still run it. Where such
# a binary starts a journey, it is for a realistic input; journeys and their threads are the
# subject of the mission_critical binaries, which TSan runs.
function(goldenpath_add_test_suite target)
    cmake_parse_arguments(ARG "SEQUENTIAL" "LABEL;TIMEOUT;SHARDS" "SOURCES;LIBS" ${ARGN})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 30)
    endif()
    goldenpath_add_executable(${target} ${ARG_SOURCES})
    target_compile_options(${target} PRIVATE ${GOLDENPATH_TEST_COMPILE_OPTIONS})
    target_link_libraries(${target} PRIVATE goldenpath::fixtures GTest::gmock_main ${ARG_LIBS})
    goldenpath_add_test_precompiled_headers()
    target_precompile_headers(${target} REUSE_FROM goldenpath_test_precompiled_headers)
    if(ARG_SEQUENTIAL AND NOT ARG_LABEL STREQUAL "unit")
        message(FATAL_ERROR "goldenpath_add_test_suite(${target}): SEQUENTIAL is for unit binaries")
    endif()
    if(ARG_LABEL MATCHES "^(unit|mission_critical)$")
        set_property(GLOBAL APPEND PROPERTY GOLDENPATH_FAST_SUITE_TARGETS ${target})
        if(NOT ARG_SEQUENTIAL)
            set_property(GLOBAL APPEND PROPERTY GOLDENPATH_CONCURRENT_SUITE_TARGETS ${target})
        endif()
    endif()
    if(ARG_LABEL STREQUAL "unit")
        set(labels unit)
        if(ARG_SEQUENTIAL)
            set(labels unit sequential)
        endif()
        add_test(NAME ${target} COMMAND ${target} --gtest_brief=1)
        set_tests_properties(${target} PROPERTIES LABELS "${labels}" TIMEOUT ${ARG_TIMEOUT})
        return()
    endif()
    if(ARG_LABEL STREQUAL "mission_critical")
        if(NOT ARG_SHARDS)
            set(ARG_SHARDS 1)
        endif()
        math(EXPR last_shard "${ARG_SHARDS} - 1")
        foreach(shard RANGE ${last_shard})
            set(name ${target})
            if(ARG_SHARDS GREATER 1)
                set(name ${target}.shard${shard})
            endif()
            add_test(NAME ${name} COMMAND ${target})
            set_tests_properties(${name} PROPERTIES LABELS mission_critical TIMEOUT ${ARG_TIMEOUT}
                ENVIRONMENT "GTEST_TOTAL_SHARDS=${ARG_SHARDS};GTEST_SHARD_INDEX=${shard}")
        endforeach()
        return()
    endif()
    gtest_discover_tests(${target}
        DISCOVERY_TIMEOUT 60
        PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT} SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
endfunction()
