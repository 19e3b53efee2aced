#!/usr/bin/env bash
# goldenpath against an AG-UI agent server written with AG-UI's own npm packages (interop/agui:
# @ag-ui/core's schemas check every RunAgentInput it receives and every event it sends,
# @ag-ui/encoder writes the server-sent events). For SSE (http://.../agent) and WebSocket
# (ws://.../ws), goldenpath-probe --profile ag-ui must pass the golden stream and fail each broken
# one with its rule or kind, a wrong token must be auth_rejected, and goldenpath's pass or fail
# must agree with AG-UI's own verifier (@ag-ui/client verifyEvents, interop/agui/cross_check.mjs)
# on every stream; the staging suite passes against it. Then the other way round: AG-UI's own
# client (interop/agui/run_double.mjs) and goldenpath-probe against goldenpath-server --profile
# ag-ui, over SSE and WebSocket. Every wait is bounded; the servers are stopped on exit. Ends with
# `agui: ok`.
set -euo pipefail
cd "$(dirname "$0")/.."

probe_bin=build/ci/tools/goldenpath-probe
# Where goldenpath and AG-UI's verifier are meant to differ, and why. verifyEvents checks that a
# stream is well-formed AG-UI; goldenpath checks that the run succeeded on the golden path.
declare -A known_difference=(
    [run_error]="a run that ends in RUN_ERROR is a well-formed stream (AG-UI passes it) and a failed golden path (goldenpath: agent_error)"
)
for variable in $(compgen -e); do
    case $variable in GOLDENPATH_*) unset "$variable" ;; esac
done

fail() {
    echo "agui: FAILED: $*" >&2
    exit 1
}

GOLDENPATH_WITH_INTEROP=1 scripts/install-deps.sh
[ -x "$probe_bin" ] || fail "$probe_bin is missing: run scripts/build.sh first"
echo "== AG-UI peers: npm ci (interop/agui)"
(cd interop/agui && timeout 300 npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null) ||
    fail "npm ci in interop/agui failed"

token="agui-token-$RANDOM$RANDOM"
wrong_token="agui-wrong-$RANDOM$RANDOM"
work=$(mktemp -d)
server_pid=""
double_pid=""
cleanup() {
    for pid in "$server_pid" "$double_pid"; do
        if [ -n "$pid" ]; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$work"
}
trap cleanup EXIT

exec 3< <(exec node interop/agui/server.mjs --token "$token" 2>"$work/server.err")
server_pid=$!
line=""
read -t 20 -r line <&3 || fail "the AG-UI server did not print its listening line: $(cat "$work/server.err")"
base=${line#listening }
case "$base" in http://127.0.0.1:*) ;; *) fail "unexpected listening line: $line" ;; esac
address=${base#http://}
echo "agui: server $base"

# AG-UI's own verdict on each stream: one JSON line per stream.
timeout 60 node interop/agui/cross_check.mjs >"$work/agui-verdicts" ||
    fail "AG-UI's verifier disagrees with streams.mjs: $(cat "$work/agui-verdicts")"

# stream -> what goldenpath must print on its FAIL line ("" for the golden stream: it must pass).
declare -A expected=(
    [golden]=""
    [tool_call_never_ended]="tool_open_at_completion"
    [run_error]="agent_error"
    [event_after_finished]="event_after_completion"
    [no_run_started]="first_not_started"
    [text_message_never_ended]="unpaired"
)

for transport in sse ws; do
    for stream in "${!expected[@]}"; do
        if [ "$transport" = sse ]; then url="http://$address/agent?stream=$stream"; else url="ws://$address/ws?stream=$stream"; fi
        set +e
        out=$(GOLDENPATH_TOKEN=$token timeout 30 "$probe_bin" --url "$url" --profile ag-ui --timeout-ms 3000 2>&1)
        rc=$?
        set -e
        grep -q "$token" <<<"$out" && fail "$transport $stream: the token appeared in the probe's output"
        want=${expected[$stream]}
        if [ -z "$want" ]; then
            [ "$rc" -eq 0 ] || { echo "$out"; fail "$transport $stream: expected PASS, got exit $rc"; }
            verdict=pass
        else
            [ "$rc" -eq 1 ] || { echo "$out"; fail "$transport $stream: expected exit 1, got $rc"; }
            grep -q "$want" <<<"$out" || { echo "$out"; fail "$transport $stream: the failure does not name $want"; }
            verdict=fail
        fi
        agui=$(grep -F "\"stream\":\"$stream\"" "$work/agui-verdicts" | grep -oE '"agui":"(pass|fail)"' | cut -d'"' -f4)
        if [ -n "${known_difference[$stream]:-}" ]; then
            [ "$agui" != "$verdict" ] ||
                fail "$transport $stream: expected to differ from AG-UI's verifier (${known_difference[$stream]}), but both say $verdict"
        elif [ "$agui" != "$verdict" ]; then
            fail "$transport $stream: goldenpath says $verdict, AG-UI's own verifier says ${agui:-nothing}"
        fi
        echo "agui: $transport $stream: $verdict (AG-UI's verifier: $agui) $(grep -m1 -E '^verdict: ' <<<"$out" || true)"
    done
    if [ "$transport" = sse ]; then url="http://$address/agent?stream=golden"; else url="ws://$address/ws?stream=golden"; fi
    set +e
    out=$(GOLDENPATH_TOKEN=$wrong_token timeout 30 "$probe_bin" --url "$url" --profile ag-ui --timeout-ms 3000 2>&1)
    rc=$?
    set -e
    [ "$rc" -eq 1 ] && grep -q "auth_rejected" <<<"$out" ||
        { echo "$out"; fail "$transport wrong token: expected exit 1 naming auth_rejected, got $rc"; }
    grep -q "$wrong_token" <<<"$out" && fail "$transport wrong token: the token appeared in the probe's output"
    echo "agui: $transport wrong token: auth_rejected"
done
# The staging suite against the same server over SSE: every test passes but the one that needs two
# runs on one connection, which an event stream (one run per POST) skips, saying so. Over WebSocket
# this server too takes one RunAgentInput per connection, so that test fails there; the probe
# checks above cover AG-UI over WebSocket.
for url in "http://$address/agent?stream=golden"; do
    set +e
    out=$(GOLDENPATH_STAGING_URL="$url" GOLDENPATH_TOKEN="$token" GOLDENPATH_PROFILE=ag-ui \
          GOLDENPATH_REQUIRE_STAGING=1 timeout 120 ctest --preset staging --output-on-failure 2>&1)
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || { echo "$out"; fail "the staging suite failed against $url"; }
    grep -q "$token" <<<"$out" && fail "the token appeared in the staging output"
    skipped=$(grep -cF "(Skipped)" <<<"$out" || true)
    expected_skips=1
    [ "$skipped" -eq "$expected_skips" ] || { echo "$out"; fail "staging against $url: $skipped skipped, expected $expected_skips"; }
    echo "agui: staging suite against $url: $(grep -oE "[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+" <<<"$out"), $skipped skipped"
done
# goldenpath's own double speaking AG-UI: AG-UI's HttpAgent (its parser, schemas and verifyEvents)
# accepts the double's golden path, and the probe passes it over SSE and WebSocket.
exec 4< <(exec build/ci/tools/goldenpath-server --profile ag-ui --token "$token" 2>"$work/double.err")
double_pid=$!
line=""
read -t 10 -r line <&4 || fail "goldenpath-server --profile ag-ui did not print its listening line: $(cat "$work/double.err")"
double_ws=${line#listening }
case "$double_ws" in ws://127.0.0.1:*/agent) ;; *) fail "unexpected listening line: $line" ;; esac
double_http="http://${double_ws#ws://}"
out=$(AGUI_TOKEN=$token timeout 30 node interop/agui/run_double.mjs "$double_http" 2>&1) ||
    fail "AG-UI's HttpAgent against goldenpath-server --profile ag-ui: $out"
grep -q "$token" <<<"$out" && fail "the token appeared in the AG-UI client's output"
# One line: AG-UI's client warns (and strips) what it does not know of an event.
[ "$(wc -l <<<"$out")" -eq 1 ] || fail "AG-UI's client warned about the double's events: $out"
echo "agui: AG-UI's HttpAgent against goldenpath-server --profile ag-ui: $out"
for url in "$double_http" "$double_ws"; do
    out=$(GOLDENPATH_TOKEN=$token timeout 30 "$probe_bin" --url "$url" --profile ag-ui --timeout-ms 3000 2>&1) ||
        { echo "$out"; fail "goldenpath-probe --profile ag-ui against goldenpath-server at $url failed"; }
    echo "agui: probe against goldenpath-server --profile ag-ui at ${url%%:*}: $(grep -m1 -E '^verdict: ' <<<"$out" || echo PASS)"
done
echo "agui: ok"
