#!/usr/bin/env bash
# Issue 7 benchmarks in one run: builds the `bench` preset, installs the Node peers (npm, into
# bench/peers/node_modules), starts goldenpath-server and the Node ws server on 127.0.0.1, runs
#   ours  (goldenpath-bench)  vs goldenpath-server      (a) journeys, (b) many runs
#   node  (bench/peers)       vs goldenpath-server      (a) journeys
#   ours                      vs node ws server         (a) journeys
#   the same four pairs over HTTP with server-sent events (AG-UI: goldenpath-server --profile ag-ui,
#   bench/peers/node_sse_server.mjs and node_sse_client.mjs with Node's own http and fetch),
#   goldenpath-probe --runs JOURNEYS (the CLI, through LoadRun) vs goldenpath-server,
#   the ceiling: a bare-bytes WebSocket client (no JSON, blocking sockets) vs goldenpath-server,
#   the raw TCP floor, the verifier (d), and 1000 concurrent users (c) twice, each in its own
#   process: one thread per user, then async on one EventLoop thread (LoadRun), and BIG_USERS
#   users async against a goldenpath-server of their own, for both sides' peak memory,
#   the Google Benchmark micro-benchmarks (bench/micro_bench.cpp) and the suite wall times (e),
# prints the ratio table and writes build/bench/results.json. Servers are stopped on exit.
# Environment: JOURNEYS (2000), ROUNDS (3), USERS (1000), BIG_USERS (10000), MAX_SECONDS (20, per
# workload).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
build="$root/build/bench"
journeys=${JOURNEYS:-2000}
users=${USERS:-1000}
big_users=${BIG_USERS:-10000}
max_seconds=${MAX_SECONDS:-20}
rounds=${ROUNDS:-3}

for tool in cmake ninja node npm; do
    command -v "$tool" >/dev/null || { echo "run-bench: $tool is required" >&2; exit 1; }
done

GOLDENPATH_WITH_BENCH=1 scripts/install-deps.sh
echo "== build (cmake --preset bench)"
cmake --preset bench >/dev/null
cmake --build --preset bench
# The bench build preset names its targets; the micro-benchmarks exist when Google Benchmark does.
if ninja -C "$build" -t targets all | grep -q '^goldenpath-micro-bench:'; then
    cmake --build "$build" --target goldenpath-micro-bench
fi
bench="$build/bench/goldenpath-bench"
server_bin="$build/tools/goldenpath-server"
probe_bin="$build/tools/goldenpath-probe"

echo "== npm peers (bench/peers)"
(
    cd bench/peers
    if [[ -f package-lock.json ]]; then
        npm ci --no-audit --no-fund --loglevel=error
    else
        npm install --no-audit --no-fund --loglevel=error
    fi
)

# shellcheck source=scripts/background-servers.sh
source scripts/background-servers.sh

start goldenpath-server "$server_bin"
gp_url=$url
start node-server node bench/peers/node_server.mjs
node_url=$url
start goldenpath-server-ag-ui "$server_bin" --profile ag-ui
gp_sse_url="http://${url#ws://}"
start node-sse-server node bench/peers/node_sse_server.mjs
node_sse_url=$url

common=(--journeys "$journeys" --max-seconds "$max_seconds")

# The machine may be shared: the (a) pairs run in ROUNDS alternating rounds, and the table uses
# each side's median round (by journeys/s); every round is kept in results.json.
for round in $(seq "$rounds"); do
    echo "== round $round/$rounds: (a) ours vs goldenpath-server"
    "$bench" --url "$gp_url" --workloads journeys "${common[@]}" --json "$work/ours_gp.$round.json"
    echo "== round $round/$rounds: (a) ceiling: bare-bytes ws client vs goldenpath-server"
    "$bench" --url "$gp_url" --workloads bare_client "${common[@]}" \
        --json "$work/bare_gp.$round.json"
    echo "== round $round/$rounds: (a) node ws client vs goldenpath-server"
    node bench/peers/node_client.mjs "$gp_url" "${common[@]}" | tee "$work/node_gp.$round.json"
    echo "== round $round/$rounds: (a) goldenpath-probe --runs $journeys vs goldenpath-server"
    # Its failures are counted from the report (exit 1 would end the bench).
    "$probe_bin" --url "$gp_url" --runs "$journeys" --json "$work/probe_report.json" >/dev/null ||
        true
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const failures = r.journeys.filter((j) => !j.passed).length;
      console.log(JSON.stringify({ journeys: r.journeys.length, failures,
        journeys_per_s: r.journeys.length / (r.wall_ms / 1000) }));' "$work/probe_report.json" \
        | tee "$work/probe_gp.$round.json"
    echo "== round $round/$rounds: (a) ours vs node ws server"
    "$bench" --url "$node_url" --workloads journeys "${common[@]}" \
        --json "$work/ours_node.$round.json"
    echo "== round $round/$rounds: (a) node ws client vs node ws server (reference)"
    node bench/peers/node_client.mjs "$node_url" "${common[@]}" | tee "$work/node_node.$round.json"
    echo "== round $round/$rounds: (a) SSE: ours vs goldenpath-server --profile ag-ui"
    "$bench" --url "$gp_sse_url" --profile ag-ui --workloads journeys "${common[@]}" \
        --json "$work/ours_sse_gp.$round.json"
    echo "== round $round/$rounds: (a) SSE: node fetch client vs goldenpath-server --profile ag-ui"
    node bench/peers/node_sse_client.mjs "$gp_sse_url" "${common[@]}" | tee "$work/node_sse_gp.$round.json"
    echo "== round $round/$rounds: (a) SSE: ours vs node http server"
    "$bench" --url "$node_sse_url" --profile ag-ui --workloads journeys "${common[@]}" \
        --json "$work/ours_sse_node.$round.json"
    echo "== round $round/$rounds: (a) SSE: node fetch client vs node http server (reference)"
    node bench/peers/node_sse_client.mjs "$node_sse_url" "${common[@]}" | tee "$work/node_sse_node.$round.json"
done
echo "== (b) one connection, many runs, vs goldenpath-server"
"$bench" --url "$gp_url" --workloads runs "${common[@]}" --json "$work/runs.json"
echo "== floor (raw loopback TCP) and (d) verifier"
"$bench" --workloads floor,verifier "${common[@]}" --json "$work/floor.json"
echo "== (c) $users users at once vs goldenpath-server (own process, for peak RSS)"
"$bench" --url "$gp_url" --workloads users --users "$users" "${common[@]}" \
    --json "$work/users.json"
echo "== (c) $users users at once, async on one EventLoop thread, vs goldenpath-server (own process)"
"$bench" --url "$gp_url" --workloads users_async --io-threads 1 --users "$users" "${common[@]}" \
    --json "$work/users_async.json"
echo "== (c) $big_users users at once, async (LoadRun), vs a goldenpath-server of their own"
start goldenpath-server-big "$server_bin"
big_server_pid=${pids[-1]}
big_server_rss_before_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$big_server_pid/status")
"$bench" --url "$url" --workloads users_async --io-threads 1 --users "$big_users" "${common[@]}" \
    --json "$work/users_big.json"
awk -v before="$big_server_rss_before_kb" '/^VmHWM:/ {
        printf "{\"server_peak_rss_mb\": %.1f, \"server_rss_before_users_mb\": %.1f}\n", $2 / 1024, before / 1024 }' \
    "/proc/$big_server_pid/status" \
    >"$work/users_big_server.json"
echo "== micro-benchmarks (Google Benchmark): where a verified event's time goes"
micro="$build/bench/goldenpath-micro-bench"
if [[ -x "$micro" ]]; then
    "$micro" --benchmark_min_time=0.2 --benchmark_format=json >"$work/micro.json"
else
    echo '{"benchmarks": []}' >"$work/micro.json"
    echo "(not built: install libbenchmark-dev)"
fi
echo "== (e) suite wall times: ctest -L unit and -L mission_critical (ci preset, -j2)"
cmake --preset ci >/dev/null
cmake --build --preset ci >/dev/null
suite_seconds() {
    local start end
    start=$(date +%s.%N)
    ctest --test-dir build/ci -L "^$1\$" -j2 >/dev/null
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }'
}
printf '{"unit_s": %s, "mission_critical_s": %s}\n' "$(suite_seconds unit)" \
    "$(suite_seconds mission_critical)" >"$work/suites.json"

echo
node - "$work" "$build/results.json" "$rounds" <<'JS'
const fs = require('fs');
const [work, out, roundsText] = process.argv.slice(2);
const read = (name) => JSON.parse(fs.readFileSync(`${work}/${name}`, 'utf8'));
const rounds = Number(roundsText);
// Every round of one side, and its median round by journeys/s.
const allRounds = (name, pick) =>
  Array.from({ length: rounds }, (_, i) => pick(read(`${name}.${i + 1}.json`)));
const median = (list) =>
  [...list].sort((x, y) => x.journeys_per_s - y.journeys_per_s)[Math.floor((list.length - 1) / 2)];
const rounds_ = {
  ours_gp: allRounds('ours_gp', (j) => j.journeys),
  node_gp: allRounds('node_gp', (j) => j),
  ours_node: allRounds('ours_node', (j) => j.journeys),
  node_node: allRounds('node_node', (j) => j),
  ours_sse_gp: allRounds('ours_sse_gp', (j) => j.journeys),
  node_sse_gp: allRounds('node_sse_gp', (j) => j),
  ours_sse_node: allRounds('ours_sse_node', (j) => j.journeys),
  node_sse_node: allRounds('node_sse_node', (j) => j),
  probe_gp: allRounds('probe_gp', (j) => j),
  bare_gp: allRounds('bare_gp', (j) => j.bare_client),
};
const bareGp = median(rounds_.bare_gp);
const probeGp = median(rounds_.probe_gp);
const oursGp = { journeys: median(rounds_.ours_gp), runs: read('runs.json').runs };
const nodeGp = median(rounds_.node_gp);
const oursNode = { journeys: median(rounds_.ours_node) };
const nodeNode = median(rounds_.node_node);
const sse = {
  ours_gp: median(rounds_.ours_sse_gp), node_gp: median(rounds_.node_sse_gp),
  ours_node: median(rounds_.ours_sse_node), node_node: median(rounds_.node_sse_node),
};
const floor = read('floor.json');
const users = read('users.json');
const usersAsync = read('users_async.json');
const usersBig = { ...read('users_big.json').users_async, ...read('users_big_server.json') };
const a = oursGp.journeys;
const results = {
  schema_version: 1,
  date: new Date().toISOString(),
  node: process.version,
  ours_vs_goldenpath_server: a,
  node_vs_goldenpath_server: nodeGp,
  ours_vs_node_server: oursNode.journeys,
  node_vs_node_server: nodeNode,
  sse,
  floor: floor.floor,
  floor_ws_shaped: floor.floor_ws_shaped,
  one_connection_many_runs: oursGp.runs,
  users: users.users,
  users_async: usersAsync.users_async,
  users_big: usersBig,
  probe_vs_goldenpath_server: probeGp,
  bare_client_vs_goldenpath_server: bareGp,
  verifier: floor.verifier,
  suites: read('suites.json'),
  micro: read('micro.json').benchmarks.map((b) => ({ name: b.name, cpu_ns: b.cpu_time, items_per_second: b.items_per_second })),
  rounds: rounds_,
};
const ratio = (x, y) => (y > 0 ? x / y : NaN);
const rows = [
  ['(a) journeys/s, ours / node client (vs goldenpath-server)', ratio(a.journeys_per_s, nodeGp.journeys_per_s), '>= 3', (r) => r >= 3],
  ['(a) p99, ours / node client (vs goldenpath-server)', ratio(a.p99_ms, nodeGp.p99_ms), '<= 0.5', (r) => r <= 0.5],
  ['(a) journeys/s, probe CLI / node client (vs goldenpath-server)', ratio(probeGp.journeys_per_s, nodeGp.journeys_per_s), '>= 3', (r) => r >= 3],
  ['(a) journeys/s, bare-bytes client / node client (the ceiling)', ratio(bareGp.journeys_per_s, nodeGp.journeys_per_s), '-', null],
  ['(a) journeys/s, ours / bare-bytes client (the ceiling)', ratio(a.journeys_per_s, bareGp.journeys_per_s), '-', null],
  ['(a) journeys/s, ours / node client (vs node server)', ratio(oursNode.journeys.journeys_per_s, nodeNode.journeys_per_s), '-', null],
  ['(a) p99, ours / node client (vs node server)', ratio(oursNode.journeys.p99_ms, nodeNode.p99_ms), '-', null],
  ['(a) p50, ours / raw TCP floor', ratio(a.p50_ms, floor.floor.p50_ms), '<= 3', (r) => r <= 3],
  ['(a) p50, ours / ws-shaped TCP floor (3 round trips)', ratio(a.p50_ms, floor.floor_ws_shaped.p50_ms), '-', null],
  ['(a) SSE journeys/s, ours / node (vs goldenpath-server)', ratio(sse.ours_gp.journeys_per_s, sse.node_gp.journeys_per_s), '-', null],
  ['(a) SSE journeys/s, ours / node (vs node http server)', ratio(sse.ours_node.journeys_per_s, sse.node_node.journeys_per_s), '-', null],
];
results.ratios = Object.fromEntries(rows.map(([name, value]) => [name, value]));
const pad = (s, n) => String(s).padEnd(n);
const num = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
console.log(`raw figures (median of ${rounds} alternating rounds for the journeys rows)`);
console.log(`| ${pad('run', 40)} | ${pad('journeys/s', 10)} | ${pad('p50 ms', 8)} | ${pad('p99 ms', 8)} | failures |`);
console.log(`|${'-'.repeat(42)}|${'-'.repeat(12)}|${'-'.repeat(10)}|${'-'.repeat(10)}|----------|`);
for (const [name, f] of [['ours vs goldenpath-server', a], ['probe CLI vs goldenpath-server', { p50_ms: NaN, p99_ms: NaN, ...probeGp }],
  ['node ws client vs goldenpath-server', nodeGp],
  ['bare ws client vs goldenpath-server', bareGp],
  ['ours vs node ws server', oursNode.journeys], ['node ws client vs node ws server', nodeNode],
  ['SSE: ours vs goldenpath-server (ag-ui)', sse.ours_gp], ['SSE: node fetch vs goldenpath-server', sse.node_gp],
  ['SSE: ours vs node http server', sse.ours_node], ['SSE: node fetch vs node http server', sse.node_node],
  ['raw loopback TCP floor', floor.floor], ['ws-shaped TCP floor (3 round trips)', floor.floor_ws_shaped]]) {
  console.log(`| ${pad(name, 40)} | ${pad(num(f.journeys_per_s, 0), 10)} | ${pad(num(f.p50_ms, 3), 8)} | ${pad(num(f.p99_ms, 3), 8)} | ${pad(f.failures, 8)} |`);
}
console.log();
console.log('ratios (same run)');
console.log(`| ${pad('ratio', 62)} | ${pad('value', 6)} | ${pad('target', 6)} | met |`);
console.log(`|${'-'.repeat(64)}|--------|--------|-----|`);
for (const [name, value, target, ok] of rows) {
  console.log(`| ${pad(name, 62)} | ${pad(num(value), 6)} | ${pad(target, 6)} | ${ok ? (ok(value) ? 'yes' : 'NO ') : ' - '} |`);
}
const r = oursGp.runs ?? {};
const v = floor.verifier;
const u = users.users;
console.log();
console.log(`(b) one connection, ${r.runs} runs: ${num(r.events_per_s, 0)} events/s`);
console.log(`(c) ${u.users} users at once: ${u.succeeded}/${u.users} passed, wall ${num(u.wall_s, 3)} s (target < 2), p99 ${num(u.p99_ms, 1)} ms, peak RSS ${num(u.peak_rss_mb, 1)} MB (target < 100)`);
const usersLine = (f) => `${f.succeeded}/${f.users} passed, wall ${num(f.wall_s, 3)} s, p99 ${num(f.p99_ms, 1)} ms, peak RSS ${num(f.peak_rss_mb, 1)} MB, max threads ${f.max_threads}`;
const ua = usersAsync.users_async;
console.log(`(c) ${u.users} users at once: thread per user: ${usersLine(u)}; async (one EventLoop thread): ${usersLine(ua)}`);
const perUserKb = (mb, n) => (mb * 1024) / n;
// Per connection: the peak above what the process held before its users (code, libraries), then
// the whole peak divided by the users.
const perConnection = (peak, before, n) =>
  `${num(perUserKb(peak - before, n), 1)} KB per connection above the ${num(before, 1)} MB held before the users (${num(perUserKb(peak, n), 1)} counting the whole peak)`;
console.log(`(c) ${usersBig.users} users at once, async (LoadRun, one EventLoop thread): ${usersBig.succeeded}/${usersBig.users} passed (target 100 %), wall ${num(usersBig.wall_s, 3)} s (target < 3), peak RSS ${num(usersBig.peak_rss_mb, 1)} MB (target < 150; heap in use at most ${num(usersBig.peak_heap_in_use_mb, 1)} MB), ${perConnection(usersBig.peak_rss_mb, usersBig.rss_before_users_mb, usersBig.users)} (target about 12); goldenpath-server holding them: peak RSS ${num(usersBig.server_peak_rss_mb, 1)} MB (target < 150), ${perConnection(usersBig.server_peak_rss_mb, usersBig.server_rss_before_users_mb, usersBig.users)}`);
console.log(`(d) verifier, pre-parsed: ${num(v.preparsed.events_per_s / 1e6, 3)} M events/s (target >= 5); parse_event + verify: ${num(v.parse_and_verify.events_per_s / 1e6, 3)} M events/s (target >= 1), with nlohmann::json's parse alone: ${num(v.nlohmann_parse_and_verify.events_per_s / 1e6, 3)}; pre-parsed, each of ${v.preparsed_cold.events} events distinct (out of cache): ${num(v.preparsed_cold.events_per_s / 1e6, 3)} M events/s`);
for (const m of results.micro) {
  console.log(`    ${m.name}: ${num(m.cpu_ns, 0)} ns CPU per iteration${m.items_per_second ? `, ${num(m.items_per_second / 1e6, 2)} M items/s` : ''}`);
}
console.log(`(e) suite wall time: unit ${num(results.suites.unit_s, 2)} s, mission_critical ${num(results.suites.mission_critical_s, 2)} s (budget: < 10 s together)`);
fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`\nraw figures: ${out}`);
JS
