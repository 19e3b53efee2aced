#!/usr/bin/env bash
# Renders goldenpath-probe --html reports in headless Chromium and checks what a person would see:
# a passing single journey, a 200-user run (four concurrent probes, one per real goldenpath-server,
# three of them faulty) merged into one report, a load run of one faulty server, and a merged
# report of two passing runs. For each: the dumped DOM holds the expected sections and numbers
# and the page's script ran without error; the report holds no URL; a screenshot is not blank.
# Installs the Debian package `chromium` when it is missing (needs root and apt).
# usage: check_html_report.sh PROBE SERVER WORKDIR
set -euo pipefail
probe=$1
server=$2
dir=$3
rm -rf "$dir"
mkdir -p "$dir"
export no_proxy="${no_proxy:+$no_proxy,}127.0.0.1,::1,localhost"
export NO_PROXY="$no_proxy"
unset GOLDENPATH_STAGING_URL GOLDENPATH_TOKEN GOLDENPATH_TOKEN_FILE GOLDENPATH_SLA GOLDENPATH_USERS || true

fail() {
    echo "check_html_report: $*" >&2
    exit 1
}

chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium_bin" ]; then
    echo "check_html_report: installing chromium (apt-get)"
    [ "$(id -u)" -eq 0 ] || fail "chromium is missing and installing it needs root"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >"$dir/apt.log" 2>&1 ||
        { tail -20 "$dir/apt.log"; fail "apt-get install chromium failed"; }
    chromium_bin=$(command -v chromium) || fail "chromium not found after installing it"
fi

pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# start_server VAR ARGS...: starts goldenpath-server and stores its URL in VAR.
start_server() {
    local var=$1 fd line
    shift
    exec {fd}< <(exec "$server" "$@")
    pids+=($!)
    read -t 10 -r line <&"$fd" || fail "goldenpath-server $* printed no listening line"
    printf -v "$var" '%s' "${line#listening }"
}

token="browser-$RANDOM$RANDOM"
echo '{"faults": [{"at": 2, "close": {"code": 1011, "reason": "tool crashed"}}]}' >"$dir/close-script.json"
echo '{"faults": [{"at": 1, "send_raw": "{not json"}]}' >"$dir/malformed-script.json"
echo '{"faults": [{"swap": [2, 3]}]}' >"$dir/swap-script.json"
start_server healthy_url --token "$token"
start_server close_url --token "$token" --script "$dir/close-script.json"
start_server malformed_url --token "$token" --script "$dir/malformed-script.json"
start_server swap_url --token "$token" --script "$dir/swap-script.json"

# probe NAME EXPECTED_EXIT ARGS...: runs the probe, keeps its output in NAME.out.
probe_run() {
    local name=$1 expected=$2 rc=0
    shift 2
    GOLDENPATH_ENV=staging GOLDENPATH_TOKEN="$token" "$probe" "$@" >"$dir/$name.out" 2>&1 || rc=$?
    [ "$rc" -eq "$expected" ] || { tail -20 "$dir/$name.out"; fail "$name: exit $rc, expected $expected"; }
}

probe_run single 0 --embedded --json "$dir/single.json" --html "$dir/single.html"
# The 200 users at once: 170 against the healthy server, 10 against each faulty one.
probe_run healthy 0 --url "$healthy_url" --users 170 --retries 0 --json "$dir/healthy.json" &
healthy_pid=$!
probe_run close 1 --url "$close_url" --users 10 --retries 0 --json "$dir/close.json" \
    --html "$dir/close.html" &
close_pid=$!
probe_run malformed 1 --url "$malformed_url" --users 10 --retries 0 --json "$dir/malformed.json" &
malformed_pid=$!
probe_run swap 1 --url "$swap_url" --users 10 --retries 0 --json "$dir/swap.json" &
swap_pid=$!
wait "$healthy_pid" && wait "$close_pid" && wait "$malformed_pid" && wait "$swap_pid" ||
    fail "a probe of the 200-user run did not end as expected"
probe_run load 1 merge "$dir/healthy.json" "$dir/close.json" "$dir/malformed.json" \
    "$dir/swap.json" --sla "success>=90%" --sla "p95.completion<5000ms" --html "$dir/load.html"
probe_run passing_a 0 --url "$healthy_url" --users 20 --runs 2 --json "$dir/passing-a.json"
probe_run passing_b 0 --url "$healthy_url" --users 10 --json "$dir/passing-b.json"
probe_run merged 0 merge "$dir/passing-a.json" "$dir/passing-b.json" --sla "success>=100%" \
    --html "$dir/merged.html"

for page in single close load merged; do
    file="$dir/$page.html"
    [ -s "$file" ] || fail "$page: no HTML written"
    if grep -Eio 'https?://|src=|url\(|<link' "$file" | head -3 | grep -q .; then
        fail "$page: the report refers to something outside itself"
    fi
    [ "$(grep -io '<script' "$file" | wc -l)" -eq 1 ] || fail "$page: more than our one <script>"
    if grep -q "$token" "$file"; then fail "$page: the token is in the report"; fi
done

# dump PAGE: the DOM Chromium built from PAGE, after its script ran; stderr (console) kept apart.
dump() {
    timeout 60 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --no-first-run --disable-extensions --user-data-dir="$dir/profile-$1" \
        --enable-logging=stderr --v=0 --dump-dom "file://$dir/$1.html" \
        >"$dir/$1.dom" 2>"$dir/$1.console" || { tail -5 "$dir/$1.console"; fail "$1: chromium failed"; }
}

# expect PAGE TEXT...: each TEXT (a fixed string) is in the dumped DOM.
expect() {
    local page=$1 text
    shift
    for text in "$@"; do
        grep -qF -- "$text" "$dir/$page.dom" || fail "$page: the rendered page lacks: $text"
    done
}

for page in single close load merged; do
    dump "$page"
    expect "$page" 'id="gp-script-status" data-rendered="yes">rendered<' \
        '<div id="gp-script-error" class="script-error" hidden=""></div>' \
        'id="phase-connect"' 'id="phase-ready"' 'id="phase-first_event"' 'id="phase-completion"'
    if grep -q "Uncaught" "$dir/$page.console"; then
        grep "Uncaught" "$dir/$page.console" | head -3
        fail "$page: the browser logged a script error"
    fi
done
expect single 'id="verdict">PASS<' '<section id="journey">' 'agent_completed' 'start message sent' \
    'id="tile-journeys"><b>1</b>'
expect close 'id="verdict">FAIL<' 'id="tile-journeys"><b>10</b>' '<td>closed(1011)</td><td class="num">10</td>' \
    'tool crashed' '<section id="throughput">'
expect load 'id="verdict">FAIL<' '4 reports merged' 'id="tile-journeys"><b>200</b>' \
    'id="tile-failed"><b>30</b>' '<td>closed(1011)</td><td class="num">10</td>' \
    '<td>malformed_frame(2)</td><td class="num">10</td>' 'protocol_violation(' \
    'id="kind-0"' 'id="kind-1"' 'id="kind-2"' 'failure: closed(1011)' '<section id="throughput">' \
    '<section id="slowest">' 'success&gt;=90%</td>' '<td class="violated">violated</td>' \
    '<td class="held">held</td>'
expect merged 'id="verdict">PASS<' '2 reports merged' 'id="tile-journeys"><b>50</b>' \
    'No journey failed.' '<td class="held">held</td>'

# A screenshot of the 200-user report: decoded and checked to show more than a blank page.
timeout 60 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --disable-extensions --user-data-dir="$dir/profile-shot" --hide-scrollbars \
    --screenshot="$dir/load.png" --window-size=1200,1600 "file://$dir/load.html" \
    >"$dir/shot.log" 2>&1 || { tail -5 "$dir/shot.log"; fail "chromium took no screenshot"; }
python3 "$(dirname "$0")/png_colours.py" "$dir/load.png" ||
    fail "the screenshot looks blank"
echo "check_html_report: ok (single, close, load, merged rendered; screenshot $dir/load.png)"
