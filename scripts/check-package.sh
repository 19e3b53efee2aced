#!/usr/bin/env bash
# Installs goldenpath to a scratch prefix and proves it can be consumed three ways
# (find_package, add_subdirectory, FetchContent), then builds and runs examples/consumer
# against the installed package. Needs a configured build (scripts/build.sh ci).
# The add_subdirectory and FetchContent projects are configured, not built: configuring makes
# goldenpath a subproject (its tests, tools and install off) and fails on any target or option that
# only exists at the top level. Building them compiled goldenpath's sources once more, as the ci
# and asan builds (g++ and clang 14) already do: it was 145 s of this script's 180 s here.
# The find_package and examples/consumer projects are built and run against the installed package.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
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
check configure fetchcontent tests/package/fetchcontent -DGOLDENPATH_SOURCE_DIR="$repo"
check build examples_consumer examples/consumer -DCMAKE_PREFIX_PATH="$work/prefix"
echo "package checks: ok"
