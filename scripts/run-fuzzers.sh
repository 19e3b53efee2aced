#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, ASan+UBSan) and runs each for SECONDS (default 20),
# starting from fuzz/corpus/<target> (read-only) plus a scratch corpus. Exits non-zero on the
# first crash, leak, sanitizer report, timeout or memory limit; the reproducer is kept in
# build/<preset>/crashes/.
# PRESET (default asan) is the build they come from: in the asan tree they link the core the
# ASan+UBSan suites test (fuzz/CMakeLists.txt), so after scripts/run-sanitizers.sh only the
# fuzzers themselves compile. PRESET=fuzz builds them on their own at -O1 with line tables only,
# as OSS-Fuzz does, for longer local runs.
#   [PRESET=fuzz] scripts/run-fuzzers.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
preset="${PRESET:-asan}"
build="build/$preset"
targets=(event_parser sequence_verifier endpoint_config protocol_profile sse_parser journey)
GOLDENPATH_WITH_CLANG=1 scripts/install-deps.sh
# Configured every time: a tree configured before GOLDENPATH_BUILD_FUZZERS was in its preset
# picks it up.
cmake --preset "$preset" >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}"
mkdir -p "$build/crashes"
logs=$build/fuzz-logs
mkdir -p "$logs"

fuzz() {  # target: one libFuzzer run; its output goes to $logs/<target>.log
    local target=$1
    local limits=()
    if [ "$target" = journey ]; then
        # A whole journey on at most 4 KiB of input (frames up to 64 KiB, deep nesting): one
        # allocation above 64 MB or 1 GB resident (ASan's own share included) is a finding, as is
        # a journey that takes 10 s (its deadlines are virtual: it should take microseconds).
        limits=(-rss_limit_mb=1024 -malloc_limit_mb=64 -timeout=10)
    fi
    # Inputs that once crashed a target stay in its corpus as regression seeds.
    local regressions=()
    [ -d "fuzz/corpus/$target-crashes" ] && regressions=("fuzz/corpus/$target-crashes")
    local scratch=$build/corpus-$target
    mkdir -p "$scratch"
    $build/fuzz/fuzz_$target -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
        "${limits[@]}" -artifact_prefix=$build/crashes/$target- "$scratch" \
        fuzz/corpus/$target "${regressions[@]}" >"$logs/$target.log" 2>&1
}

report() {  # target, exit status
    echo "== fuzz_$1 for ${seconds}s"
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)|Done [0-9]+ runs|out-of-memory|malloc\(|timeout" \
        "$logs/$1.log" || true
    [ "$2" -eq 0 ] || { echo "fuzz_$1 found a bug: see $build/crashes/ and $logs/$1.log"; exit 1; }
}

# libFuzzer runs one process on one core: two targets at a time use both cores and halve the wall
# time, with the same fuzzing time per target.
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    pair=("${targets[@]:i:2}")
    pids=()
    for target in "${pair[@]}"; do
        fuzz "$target" &
        pids+=("$!")
    done
    codes=()
    for pid in "${pids[@]}"; do
        rc=0
        wait "$pid" || rc=$?
        codes+=("$rc")
    done
    for j in "${!pair[@]}"; do report "${pair[j]}" "${codes[j]}"; done
done
echo "fuzzers: ok"
