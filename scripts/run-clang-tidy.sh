#!/usr/bin/env bash
# Runs clang-tidy 14 (Debian clang-tidy-14) with the repository's .clang-tidy on the sources of
# lib/ and tools/ (or the files given), using the compile commands of the ci build. Exits 1 when
# there is any finding, 2 when it cannot run. JOBS sets the parallel clang-tidy processes (2).
#   scripts/run-clang-tidy.sh [FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${GOLDENPATH_TIDY_BUILD_DIR:-build/ci}
tidy=${CLANG_TIDY:-clang-tidy-14}
jobs=${JOBS:-2}

GOLDENPATH_WITH_CLANG_TIDY=1 scripts/install-deps.sh
command -v "$tidy" >/dev/null || { echo "run-clang-tidy: $tidy not found" >&2; exit 2; }
if [ ! -f "$build/compile_commands.json" ]; then
    # The ci preset sets CMAKE_EXPORT_COMPILE_COMMANDS; configuring also generates version.hpp.
    echo "run-clang-tidy: configuring $build for its compile_commands.json" >&2
    cmake --preset ci >/dev/null
fi
[ -f "$build/compile_commands.json" ] || { echo "run-clang-tidy: no $build/compile_commands.json (CMAKE_EXPORT_COMPILE_COMMANDS=ON?)" >&2; exit 2; }

if [ $# -gt 0 ]; then
    files=("$@")
else
    # Not server_session_tls.cpp: it only instantiates the DoubleSession template
    # (double_session*.hpp) over TLS, and the check of server_session.cpp reads those headers,
    # their TLS branches as written. Its own check took 100 s of CPU, an eighth of this script's.
    mapfile -t files < <(git ls-files 'lib/src/*.cpp' 'tools/*.cpp' |
        grep -vx 'lib/src/server_session_tls.cpp')
fi

out=$(mktemp)
tidy_db=$(mktemp -d)
trap 'rm -rf "$out" "$tidy_db"' EXIT
# clang reads g++'s precompiled header next to cmake_pch.hxx and refuses it: the sources are
# checked as written, without it (which also shows an #include a source forgot).
sed -E 's# -Winvalid-pch -include [^ ]*/cmake_pch\.hxx##g' "$build/compile_commands.json" \
    >"$tidy_db/compile_commands.json"
started=$(date +%s)
# -Wno-unknown-warning-option: the commands are g++'s (-Wno-restrict is unknown to clang).
# A file's exit status is not used: the findings in the output decide, counted once each (a
# header's finding shows up in every file that includes it).
printf '%s\n' "${files[@]}" |
    xargs -P "$jobs" -I{} "$tidy" -p "$tidy_db" --quiet --extra-arg=-Wno-unknown-warning-option {} \
        >"$out" 2>/dev/null || true
findings=$(grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error):' "$out" | sort -u || true)
seconds=$(($(date +%s) - started))
if [ -n "$findings" ]; then
    echo "$findings"
    echo "run-clang-tidy: $(echo "$findings" | wc -l) finding(s) in ${#files[@]} files (${seconds} s)" >&2
    echo "  (the full output with notes and fix-its: rerun with the file as argument)" >&2
    exit 1
fi
echo "run-clang-tidy: no findings in ${#files[@]} files (${seconds} s)"
