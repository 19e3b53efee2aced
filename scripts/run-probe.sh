#!/usr/bin/env bash
# The main job: start the embedded agent server double and run the golden path against it,
# printing the event timeline and the verdict. Extra arguments go to goldenpath-probe.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh ci --target goldenpath-probe >/dev/null
exec build/ci/tools/goldenpath-probe --embedded "$@"
