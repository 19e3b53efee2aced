#!/usr/bin/env bash
# Builds with a sanitizer preset (asan = ASan+UBSan, default; tsan) and runs the unit and
# mission_critical suites under it. Any sanitizer report fails the test that triggered it
# (UBSan does not recover).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-asan}"
scripts/install-deps.sh
[ -f "build/$preset/CMakeCache.txt" ] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" >/dev/null
ctest --preset "$preset" --output-on-failure
