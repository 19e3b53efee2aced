#!/usr/bin/env bash
# Issue 17's profile in one run: what one sequential journey costs each client, and the server
# it talks to. Against one goldenpath-server on 127.0.0.1 it runs, one client after another,
#   bare  the bare-bytes WebSocket client (goldenpath-bench --workloads bare_client), the ceiling
#   ours  goldenpath-bench --workloads journeys (GoldenPathJourney::run)
#   probe goldenpath-probe --runs (the CLI, through LoadRun)
#   node  the Node ws client (bench/peers/node_client.mjs)
# and prints, per journey: the client's user and kernel CPU (bash's `time`), the server's CPU
# (/proc/PID/stat) and the client's system calls by name (strace -f -c, in a run of its own, as
# strace slows the client down). Each of these is the difference of a run of 2 x JOURNEYS and one
# of JOURNEYS, divided by the journeys between them, so process start-up (tens of ms of CPU for
# Node) falls out. Then what Asio's scheduling costs, piece by piece
# (bench/asio_scheduling_bench.cpp, built when Google Benchmark is installed), and our client's
# user-space samples by library (perf record, when perf may record here). Builds the `bench`
# preset first. Environment: JOURNEYS (2000), MAX_SECONDS (20, per client run).
set -euo pipefail

cd "$(dirname "$0")/.."
journeys=${JOURNEYS:-2000}
max_seconds=${MAX_SECONDS:-20}
build="$PWD/build/bench"

# The kernel splits CPU into user and kernel time by ticks (getconf CLK_TCK a second), so fewer
# than 1000 journeys (about 0.15 s of a client's CPU) would give noise, even negative figures.
check_range() {
    local setting=$1 value=$2 low=$3 high=$4
    if ! [[ $value =~ ^[0-9]{1,9}$ ]] || ((10#$value < low || 10#$value > high)); then
        echo "profile-journeys: $setting must be a whole number from $low to $high, not '$value'" >&2
        exit 2
    fi
}
check_range JOURNEYS "$journeys" 1000 1000000
check_range MAX_SECONDS "$max_seconds" 1 3600
journeys=$((10#$journeys))
max_seconds=$((10#$max_seconds))
for tool in cmake ninja node npm strace awk; do
    command -v "$tool" >/dev/null || {
        echo "profile-journeys: $tool is required (strace: apt-get install strace)" >&2
        exit 1
    }
done

echo "== build (cmake --preset bench)"
cmake --preset bench >/dev/null
cmake --build --preset bench >/dev/null
# With Google Benchmark (Debian libbenchmark-dev): what Asio's scheduling costs, piece by piece.
scheduling_bench="$build/bench/goldenpath-asio-scheduling-bench"
if ninja -C "$build" -t targets all | grep -q '^goldenpath-asio-scheduling-bench:'; then
    cmake --build "$build" --target goldenpath-asio-scheduling-bench >/dev/null
else
    scheduling_bench=
fi
bench="$build/bench/goldenpath-bench"
server_bin="$build/tools/goldenpath-server"
probe_bin="$build/tools/goldenpath-probe"
(
    cd bench/peers
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
)

# shellcheck source=scripts/background-servers.sh
source scripts/background-servers.sh
start goldenpath-server "$server_bin"
server_pid=${pids[-1]}

clock_ticks=$(getconf CLK_TCK)
# The server's CPU so far (user and kernel), in seconds.
server_cpu() {
    if [[ ! -r /proc/$server_pid/stat ]]; then
        echo "profile-journeys: goldenpath-server (pid $server_pid) has exited:" >&2
        cat "$work/goldenpath-server.err" >&2
        exit 1
    fi
    awk -v hz="$clock_ticks" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / hz }' \
        "/proc/$server_pid/stat"
}

# run_client CLIENT N: runs CLIENT's N journeys against $url, prefixed by the command in the
# array `wrap` (empty, or strace); its report goes to $work/CLIENT.report.
wrap=()
run_client() {
    local client=$1 count=$2
    case $client in
    bare | ours)
        local workload=journeys
        [[ $client == bare ]] && workload=bare_client
        "${wrap[@]}" "$bench" --url "$url" --workloads "$workload" --journeys "$count" \
            --max-seconds "$max_seconds" --json "$work/$client.report" >/dev/null
        ;;
    probe)
        # A run with a failed journey exits 1; the failures are counted from the report.
        "${wrap[@]}" "$probe_bin" --url "$url" --runs "$count" --json "$work/probe.report" \
            >/dev/null || true
        ;;
    node)
        "${wrap[@]}" node bench/peers/node_client.mjs "$url" --journeys "$count" \
            --max-seconds "$max_seconds" >"$work/node.report"
        ;;
    esac
}

# outcome CLIENT OUT: the journeys ended and failed in CLIENT's last report, as "JOURNEYS FAILURES"
outcome() {
    node -e '
      const [file, client] = process.argv.slice(1);
      const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
      if (client === "probe") {
        console.log(r.journeys.length, r.journeys.filter((j) => !j.passed).length);
      } else {
        const w = client === "bare" ? r.bare_client : client === "ours" ? r.journeys : r;
        console.log(w.journeys, w.failures);
      }' "$work/$1.report" "$1" >"$2"
}

# measure CLIENT N TAG: CPU of the client (user kernel) and of the server for N journeys, into
# $work/TAG.time, $work/TAG.server and $work/TAG.result.
measure() {
    local client=$1 count=$2 tag=$3
    local before after
    before=$(server_cpu)
    local TIMEFORMAT='%3U %3S'
    { time run_client "$client" "$count" 2>"$work/$tag.err"; } 2>"$work/$tag.time"
    after=$(server_cpu)
    awk -v a="$after" -v b="$before" 'BEGIN { print a - b }' >"$work/$tag.server"
    outcome "$client" "$work/$tag.result"
}

# count_calls CLIENT N TAG: the client's system calls for N journeys, into $work/TAG.strace.
count_calls() {
    local client=$1 count=$2 tag=$3
    wrap=(strace -f -c -o "$work/$tag.strace")
    run_client "$client" "$count" 2>"$work/$tag.err"
    wrap=()
    outcome "$client" "$work/$tag.result"
}

status=0
declare -A cpu
rows=()
syscall_rows=()
for client in bare ours probe node; do
    echo "== $client: $journeys and $((2 * journeys)) journeys, then both again under strace -f -c"
    measure "$client" "$journeys" "$client.1"
    measure "$client" "$((2 * journeys))" "$client.2"
    count_calls "$client" "$journeys" "$client.s1"
    count_calls "$client" "$((2 * journeys))" "$client.s2"

    failed=0
    for result in "$client.1" "$client.2" "$client.s1" "$client.s2"; do
        read -r _ failures <"$work/$result.result"
        if [[ $failures != 0 ]]; then
            echo "profile-journeys: $client: $failures failed journeys in run $result" >&2
            failed=1
        fi
    done
    read -r n1 _ <"$work/$client.1.result"
    read -r n2 _ <"$work/$client.2.result"
    read -r s1 _ <"$work/$client.s1.result"
    read -r s2 _ <"$work/$client.s2.result"
    if ((n2 <= n1 || s2 <= s1)); then
        echo "profile-journeys: $client: the longer run ended no more journeys than the shorter" \
            "($n1 and $n2; under strace $s1 and $s2): MAX_SECONDS ($max_seconds) too short?" >&2
        failed=1
    fi
    if ((failed)); then
        status=1
        rows+=("| $client | failed (see above) | | | |")
        continue
    fi
    read -r u1 k1 <"$work/$client.1.time"
    read -r u2 k2 <"$work/$client.2.time"
    read -r server1 <"$work/$client.1.server"
    read -r server2 <"$work/$client.2.server"
    # the client's user and kernel CPU and the server's CPU a journey, in µs
    read -r user kernel server < <(awk -v n="$((n2 - n1))" -v u1="$u1" -v k1="$k1" -v u2="$u2" \
        -v k2="$k2" -v s1="$server1" -v s2="$server2" 'BEGIN {
            printf "%.1f %.1f %.1f\n", (u2 - u1) / n * 1e6, (k2 - k1) / n * 1e6, (s2 - s1) / n * 1e6 }')
    cpu[$client]=$(awk -v u="$user" -v k="$kernel" 'BEGIN { printf "%.1f", u + k }')
    rows+=("$(awk -v c="$client" -v u="$user" -v k="$kernel" -v s="$server" \
        'BEGIN { printf "| %s | %.0f | %.0f | %.0f | %.0f |", c, u + k, u, k, s }')")

    # System calls a journey by name, most first ("total" among them); strace -c rows are
    # % time, seconds, usecs/call, calls, [errors], syscall.
    awk -v n="$((s2 - s1))" '
        FNR == 1 { file++ }
        $1 ~ /^[0-9.]+$/ && NF >= 5 { calls[file, $NF] = $4; names[$NF] = 1 }
        END { for (name in names) printf "%s %.1f\n", name, (calls[2, name] - calls[1, name]) / n }' \
        "$work/$client.s1.strace" "$work/$client.s2.strace" | sort -k2,2 -rn >"$work/$client.calls"
    syscall_rows+=("$(awk -v c="$client" '
        $1 == "total" { total = $2; next }
        $2 >= 0.5 { detail = detail (detail == "" ? " " : ", ") $1 " " $2 }
        END { printf "| %s | %.1f |%s |", c, total, detail }' "$work/$client.calls")")
done

# Our client's user-space samples by library (perf record), when perf may record here.
profile_lines=()
if command -v perf >/dev/null &&
    perf record -q -o "$work/perf.data" -- "$bench" --url "$url" --workloads journeys \
        --journeys "$journeys" --max-seconds "$max_seconds" >/dev/null 2>"$work/perf.err"; then
    mapfile -t profile_lines < <(perf report -i "$work/perf.data" --no-children --sort dso,sym \
        --stdio -g none 2>/dev/null | awk '
        /^#/ || NF == 0 { next }
        {
            pct = $1; sub("%", "", pct); all += pct
            if ($0 ~ /\[k\]/) next
            if ($0 ~ /libc\.so/ && $0 ~ /malloc|free|_int_|tcache|consolidate/) g = "malloc and free"
            else if ($0 ~ /libc\.so/) g = "the rest of libc (memcpy, memcmp, strlen, system call stubs)"
            else if ($0 ~ /boost::beast::websocket/) g = "Beast websocket"
            else if ($0 ~ /boost::beast/) g = "Beast http and buffers"
            else if ($0 ~ /boost::asio/) g = "Asio"
            else if ($0 ~ /nlohmann/) g = "nlohmann::json"
            else if ($0 ~ /simdjson/) g = "simdjson"
            else if ($0 ~ /goldenpath::/) g = "goldenpath"
            else if ($0 ~ /std::|libstdc/) g = "libstdc++"
            else g = "other (fmt, the loader, ...)"
            share[g] += pct; user += pct
        }
        END {
            printf "user space: %.1f %% of the samples (the kernel: %.1f %%)\n\n", user, all - user
            print "| library | share of the user-space samples |"
            print "|---|---|"
            for (g in share) printf "| %s | %.1f %% |\n", g, share[g] / user * 100 | "sort -t\"|\" -k3 -rn"
        }')
else
    profile_lines=("perf record could not run here ($(head -c 200 "$work/perf.err" 2>/dev/null ||
        echo 'perf is not installed')): no profile by library")
fi

echo
echo "Per journey, against one goldenpath-server ($journeys and $((2 * journeys)) journeys a client):"
echo
echo "| client | client CPU µs | user | kernel | goldenpath-server CPU µs |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
for client in ours probe bare; do
    if [[ -n ${cpu[node]:-} && -n ${cpu[$client]:-} ]]; then
        awk -v c="$client" -v a="${cpu[node]}" -v b="${cpu[$client]}" \
            'BEGIN { printf "client CPU a journey, node / %s: %.2f\n", c, a / b }'
    fi
done
echo
echo "| client | system calls | by name (0.5 a journey or more) |"
echo "|---|---|---|"
printf '%s\n' "${syscall_rows[@]}"

if [[ -n $scheduling_bench ]]; then
    echo
    echo "What Asio's scheduling costs (goldenpath-asio-scheduling-bench):"
    "$scheduling_bench" --benchmark_min_time=0.5 --benchmark_format=json >"$work/scheduling.json"
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const ns = {};
      for (const b of r.benchmarks) ns[b.name] = 1e9 / b.items_per_second;
      const poll = ns.BM_PostedHandlerWithReactorPoll, bare = ns.BM_PostedHandlerWithoutReactor;
      const timer = ns.BM_DeadlineTimerArmedAndCancelled;
      console.log(`- a posted handler: ${poll.toFixed(0)} ns with the reactor polled before it, ` +
        `${bare.toFixed(0)} ns without`);
      console.log(`- a deadline timer armed, cancelled and its handler run: ${timer.toFixed(0)} ns`);
      const polls = Number(process.argv[2] || 0);
      if (polls > 0) {
        console.log(`- our ${polls} epoll_wait calls a journey at ${poll.toFixed(0)} ns each: ` +
          `${(polls * poll / 1000).toFixed(1)} µs a journey`);
      }' "$work/scheduling.json" "$(awk '$1 == "epoll_wait" { print $2 }' "$work/ours.calls" 2>/dev/null)"
else
    echo
    echo "goldenpath-asio-scheduling-bench is not built (it needs Debian libbenchmark-dev)"
fi

echo
echo "Our client's samples by library (perf record, $journeys journeys):"
printf '%s\n' "${profile_lines[@]}"
exit "$status"
