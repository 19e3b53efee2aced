#!/usr/bin/env bash
# Installs dependencies, configures and builds with a CMake preset (default: ci).
# Usage: scripts/build.sh [preset] [cmake --build args...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-ci}"
shift || true
scripts/install-deps.sh
[ -f "build/$preset/CMakeCache.txt" ] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" "$@"
