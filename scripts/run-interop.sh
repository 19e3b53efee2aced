#!/usr/bin/env bash
# Interoperability with independent WebSocket implementations (issue 8 item 3): the Python
# `websockets` and Node `ws` peers in interop/ against goldenpath, both directions, ws and wss.
# For each peer language and scheme:
#   peer server   <- goldenpath: its frames are byte for byte goldenpath-server's, the staging
#                    suite passes (nothing skipped, token never printed), goldenpath-probe passes
#                    with the token as Bearer header + subprotocol, as subprotocol only and as
#                    ?token= only, and is rejected with a wrong token;
#   peer client   -> goldenpath-server --token: passes the golden path;
# and per language: the peer client with a wrong token fails naming the 401, and against a
# goldenpath-server that answers out of order it fails naming the broken rule.
# Idempotent; every wait is bounded; every server is stopped on exit. Ends with `interop: ok`.
set -euo pipefail
cd "$(dirname "$0")/.."

python=/usr/bin/python3  # Debian's python3-websockets lives there; another python3 may come first
build=build/ci
server_bin=$build/tools/goldenpath-server
probe_bin=$build/tools/goldenpath-probe

for variable in $(compgen -e); do
    case $variable in GOLDENPATH_*) unset "$variable" ;; esac
done

fail() {
    echo "interop: FAILED: $*" >&2
    exit 1
}

echo "== dependencies (GOLDENPATH_WITH_INTEROP=1 scripts/install-deps.sh)"
GOLDENPATH_WITH_INTEROP=1 scripts/install-deps.sh
for tool in node npm openssl timeout; do
    command -v "$tool" >/dev/null || fail "$tool is required"
done
"$python" -c 'import websockets' 2>/dev/null || fail "$python cannot import websockets (python3-websockets)"

echo "== node peers: npm ci (interop/node)"
(cd interop/node && timeout 300 npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null) ||
    fail "npm ci in interop/node failed"

work=$(mktemp -d)
server_pid=""
server_name=""
# stop_server [any-status]: SIGTERM (SIGKILL after 5 s); the server must exit 0 unless any-status.
stop_server() {
    [ -n "$server_pid" ] || return 0
    local pid=$server_pid name=$server_name status=0
    server_pid=""
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || status=$?
    exec 3<&-
    [ "$status" -eq 0 ] || [ "${1:-}" = any-status ] || fail "$name exited with status $status after SIGTERM (expected 0): $(cat "$work/server.err")"
}
cleanup() {
    stop_server any-status
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== build: $build (goldenpath-server, goldenpath-probe, goldenpath_staging_tests)"
[ -f "$build/CMakeCache.txt" ] || cmake --preset ci >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; fail "cmake --preset ci"; }
cmake --build --preset ci --target goldenpath-server goldenpath-probe goldenpath_staging_tests \
    >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; fail "build"; }

# start_server NAME CMD...: starts CMD, waits (15 s) for its `listening URL [ca-file PATH]` line,
# sets $server_url and $server_ca (empty for ws://).
start_server() {
    server_name=$1
    shift
    exec 3< <(exec "$@" 2>"$work/server.err")
    server_pid=$!
    local line=""
    read -t 15 -r line <&3 || fail "$server_name printed no listening line within 15 s: $(cat "$work/server.err")"
    case $line in
        "listening ws://127.0.0.1:"*"/ws") server_url=${line#listening } server_ca="" ;;
        "listening wss://localhost:"*"/ws ca-file "*)
            server_url=${line#listening }
            server_ca=${server_url#* ca-file }
            server_url=${server_url%% ca-file *}
            [ -f "$server_ca" ] || fail "$server_name: CA file $server_ca does not exist"
            ;;
        *) fail "$server_name: unexpected first line: $line" ;;
    esac
}

# no_token TEXT WHERE: fails when TEXT contains the token.
no_token() {
    if grep -qF -- "$token" <<<"$1"; then fail "the token appeared in the output of $2"; fi
}

token="interop-$RANDOM$RANDOM$RANDOM"
wrong_token="interop-deliberately-wrong-token"
echo '{"auth_methods":["subprotocol"]}' >"$work/subprotocol.json"
echo '{"auth_methods":["query"]}' >"$work/query.json"
echo '{"faults":[{"swap":[2,3]}]}' >"$work/out-of-order.json"

# The reference frames: what goldenpath-server sends on its first connection.
start_server goldenpath-server "$server_bin" --token "$token"
GOLDENPATH_TOKEN=$token timeout 20 "$python" interop/python/capture_frames.py "$server_url" \
    >"$work/frames.goldenpath-server" || fail "capturing goldenpath-server's frames"
stop_server

declare -A server_cmd=(
    [python]="$python interop/python/agent_server.py"
    [node]="node interop/node/agent_server.mjs"
)
declare -A client_cmd=(
    [python]="$python interop/python/golden_path_client.py"
    [node]="node interop/node/golden_path_client.mjs"
)

for language in python node; do
    for scheme in ws wss; do
        tls=()
        [ "$scheme" = wss ] && tls=(--tls)
        case_name="$language server $scheme"
        # shellcheck disable=SC2086  # the command is two words
        start_server "$language agent_server" ${server_cmd[$language]} "${tls[@]}" --token "$token"
        ca=()
        [ -n "$server_ca" ] && ca=(--ca-file "$server_ca")

        GOLDENPATH_TOKEN=$token timeout 20 "$python" interop/python/capture_frames.py "$server_url" "${ca[@]}" \
            >"$work/frames.$language" || fail "$case_name: capturing its frames"
        diff -u "$work/frames.goldenpath-server" "$work/frames.$language" ||
            fail "$case_name: frames differ from goldenpath-server's (- goldenpath-server, + $language)"

        out=$(GOLDENPATH_STAGING_URL="$server_url" GOLDENPATH_TOKEN="$token" GOLDENPATH_CA_FILE="$server_ca" \
              GOLDENPATH_REQUIRE_STAGING=1 GOLDENPATH_SLA="p95.completion<2000ms;success>=100%" \
              timeout 120 ctest --preset staging 2>&1) ||
            { echo "$out"; fail "$case_name: the staging suite failed"; }
        no_token "$out" "the staging suite"
        if grep -q "Skipped" <<<"$out"; then echo "$out"; fail "$case_name: staging tests were skipped"; fi
        staging=$(grep -oE "[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+" <<<"$out") ||
            { echo "$out"; fail "$case_name: no ctest summary"; }

        for auth in default subprotocol query; do
            profile=()
            [ "$auth" = default ] || profile=(--profile "$work/$auth.json")
            out=$(GOLDENPATH_TOKEN=$token timeout 30 "$probe_bin" --url "$server_url" --token-env GOLDENPATH_TOKEN \
                  "${ca[@]}" "${profile[@]}" 2>&1) || { echo "$out"; fail "$case_name: goldenpath-probe ($auth auth)"; }
            no_token "$out" "goldenpath-probe"
        done
        out=$(GOLDENPATH_TOKEN=$wrong_token timeout 30 "$probe_bin" --url "$server_url" --token-env GOLDENPATH_TOKEN \
              "${ca[@]}" 2>&1) && { echo "$out"; fail "$case_name: goldenpath-probe passed with a wrong token"; }
        grep -q "auth_rejected" <<<"$out" || { echo "$out"; fail "$case_name: wrong token not auth_rejected"; }
        stop_server
        echo "interop: $case_name <- goldenpath: frames identical, staging $staging," \
             "probe passes (header, subprotocol, query token), wrong token auth_rejected"

        case_name="$language client $scheme"
        start_server goldenpath-server "$server_bin" "${tls[@]}" --token "$token"
        ca=()
        [ -n "$server_ca" ] && ca=(--ca-file "$server_ca")
        # shellcheck disable=SC2086
        out=$(GOLDENPATH_TOKEN=$token timeout 20 ${client_cmd[$language]} "$server_url" "${ca[@]}" 2>&1) ||
            { echo "$out"; fail "$case_name -> goldenpath-server"; }
        no_token "$out" "the $language client"
        echo "interop: $case_name -> goldenpath-server: $out"
        if [ "$scheme" = ws ]; then
            # shellcheck disable=SC2086
            out=$(GOLDENPATH_TOKEN=$wrong_token timeout 20 ${client_cmd[$language]} "$server_url" 2>&1) &&
                { echo "$out"; fail "$language client passed with a wrong token"; }
            grep -q "auth_rejected.*401" <<<"$out" || { echo "$out"; fail "$language client: wrong token not named as a 401"; }
            echo "interop: $language client wrong token -> goldenpath-server: rejected as expected: $out"
        fi
        stop_server
    done

    start_server goldenpath-server "$server_bin" --script "$work/out-of-order.json"
    # shellcheck disable=SC2086
    out=$(timeout 20 ${client_cmd[$language]} "$server_url" --timeout-ms 2000 2>&1) &&
        { echo "$out"; fail "$language client passed against an out-of-order server"; }
    grep -q "unmatched_tool_completed" <<<"$out" || { echo "$out"; fail "$language client: out-of-order not named"; }
    echo "interop: $language client out-of-order -> goldenpath-server: rejected as expected: $out"
    stop_server
done
echo "interop: ok"
