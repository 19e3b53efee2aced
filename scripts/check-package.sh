#!/usr/bin/env bash
# Installs goldenpath to a scratch prefix and proves it can be consumed three ways
# (find_package, add_subdirectory, FetchContent), then builds and runs examples/consumer
# against the installed package. Needs a configured build (scripts/build.sh ci).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install build/ci --prefix "$work/prefix" >/dev/null
echo "installed to $work/prefix"

check() {  # name, source dir, extra cmake args...
    local name=$1 source=$2
    shift 2
    echo "== package check: $name"
    local log="$work/$name.log"
    # Debug without debug information: these builds only prove the package is consumable, and
    # two of them compile goldenpath from source.
    if ! { cmake -S "$source" -B "$work/$name" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
               -DCMAKE_CXX_FLAGS_DEBUG=-O0 "$@" &&
           cmake --build "$work/$name"; } >"$log" 2>&1; then
        cat "$log"
        echo "package check $name: configure or build failed"
        exit 1
    fi
    ctest --test-dir "$work/$name" --output-on-failure --no-tests=error | tail -3
}

check find_package tests/package/find_package -DCMAKE_PREFIX_PATH="$work/prefix"
check add_subdirectory tests/package/add_subdirectory -DGOLDENPATH_SOURCE_DIR="$repo"
check fetchcontent tests/package/fetchcontent -DGOLDENPATH_SOURCE_DIR="$repo"
check examples_consumer examples/consumer -DCMAKE_PREFIX_PATH="$work/prefix"
echo "package checks: ok"
