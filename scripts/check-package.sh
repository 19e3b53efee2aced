#!/usr/bin/env bash
# Installs goldenpath to a scratch prefix and proves it can be consumed three ways
# (find_package, add_subdirectory, FetchContent), then builds and runs examples/consumer
# against the installed package. Needs a configured build (scripts/build.sh ci).
# The add_subdirectory project is configured, not built: FetchContent_MakeAvailable is that same
# add_subdirectory after a fetch, and its build compiles goldenpath from source once (about a
# fifth of this script's time was the second, identical compile).
# The FetchContent consumer builds with clang 14, the others with the default compiler (g++), so
# that both compile goldenpath as a consumer would; clang also compiles it from source in half of
# g++'s time at -O0 (server_session_tls.cpp: 31 s against 60 s).
set -euo pipefail
cd "$(dirname "$0")/.."
GOLDENPATH_WITH_CLANG=1 scripts/install-deps.sh
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install build/ci --prefix "$work/prefix" >/dev/null
echo "installed to $work/prefix"

check() {  # build|configure, name, source dir, extra cmake args...
    local mode=$1 name=$2 source=$3
    shift 3
    echo "== package check: $name ($mode)"
    local log="$work/$name.log"
    # Debug without debug information: these builds only prove the package is consumable, and
    # one of them compiles goldenpath from source.
    if ! { cmake -S "$source" -B "$work/$name" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
               -DCMAKE_CXX_FLAGS_DEBUG=-O0 "$@" &&
           { [ "$mode" = configure ] || cmake --build "$work/$name"; }; } >"$log" 2>&1; then
        cat "$log"
        echo "package check $name: configure or build failed"
        exit 1
    fi
    [ "$mode" = configure ] && return 0
    ctest --test-dir "$work/$name" --output-on-failure --no-tests=error | tail -3
}

check build find_package tests/package/find_package -DCMAKE_PREFIX_PATH="$work/prefix"
check configure add_subdirectory tests/package/add_subdirectory -DGOLDENPATH_SOURCE_DIR="$repo"
check build fetchcontent tests/package/fetchcontent -DGOLDENPATH_SOURCE_DIR="$repo" \
    -DCMAKE_CXX_COMPILER=clang++
check build examples_consumer examples/consumer -DCMAKE_PREFIX_PATH="$work/prefix"
echo "package checks: ok"
