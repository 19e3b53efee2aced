#!/usr/bin/env bash
# Builds everything and runs the three suites: unit, mission_critical, staging (the staging suite
# skips unless GOLDENPATH_STAGING_URL is set; see docs/staging-and-load.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh ci
ctest --preset ci -L '^(unit|mission_critical|staging)$' "$@"
