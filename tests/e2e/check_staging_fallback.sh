#!/usr/bin/env bash
# The staging suite with a primary URL answering 404 and a healthy goldenpath-server as
# GOLDENPATH_FALLBACK_URLS: every test must use the fallback and pass, none may skip.
# Usage: check_staging_fallback.sh GOLDENPATH_SERVER STAGING_TEST_BINARY
set -euo pipefail
server=$1
suite=$2
pids=()
stop_servers() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_servers EXIT

# Starts goldenpath-server with the given flags, reading its listening line from fd $1, and sets
# $server_url (no command substitution: the server's pid must reach the trap of this shell).
start_server() {
    local fd=$1
    shift
    local line=""
    eval "exec $fd< <(exec \"\$server\" \"\$@\")"
    pids+=("$!")
    read -t 10 -r line <&"$fd" || { echo "goldenpath-server did not print its listening line"; exit 1; }
    server_url=${line#listening }
}

token="fallback-token-$RANDOM$RANDOM"
start_server 3 --reject-upgrade 404
broken=$server_url
start_server 4 --token "$token"
healthy=$server_url
unset GOLDENPATH_TOKEN_FILE GOLDENPATH_SLA GOLDENPATH_USERS GOLDENPATH_REQUIRE_STAGING || true
if ! out=$(GOLDENPATH_STAGING_URL="$broken" GOLDENPATH_FALLBACK_URLS="$healthy" \
           GOLDENPATH_TOKEN="$token" "$suite" 2>&1); then
    echo "$out"
    echo "the staging suite failed with a 404 primary and a healthy fallback"
    exit 1
fi
if echo "$out" | grep -q "SKIPPED \]"; then
    echo "$out"
    echo "a staging test skipped while configured"
    exit 1
fi
echo "$out" | grep -E "PASSED|SLA checked"
