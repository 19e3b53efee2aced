# Sourced by scripts/run-bench.sh and scripts/profile-journeys.sh: a scratch folder $work, and
# servers started in the background with `start`; on exit every one of them is stopped and $work
# removed.
# shellcheck shell=bash

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD...: runs CMD in the background, waits for its `listening URL` line, and sets
# $url to that URL (its pid is ${pids[-1]}).
start() {
    local name=$1
    shift
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    pids+=("$!")
    for _ in $(seq 100); do
        if grep -q '^listening ' "$work/$name.out" 2>/dev/null; then
            url=$(awk '/^listening /{print $2; exit}' "$work/$name.out")
            echo "$name: $url"
            return 0
        fi
        sleep 0.1
    done
    local script=${0##*/}
    echo "${script%.sh}: $name did not start:" >&2
    cat "$work/$name.err" >&2
    exit 1
}
