# goldenpath-probe against servers that send control characters, invalid UTF-8 and "]]>" (an HTTP
# error body; an agent_error event from goldenpath-server): the --junit file must parse as XML 1.0
# and the --json file must be valid UTF-8 JSON.
#   python3 hostile_http_reports.py PROBE SERVER OUTPUT_DIR
import json
import os
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ElementTree

probe, server, output_dir = sys.argv[1], sys.argv[2], sys.argv[3]
BODY = b"oops \x01\x07\x1b[31m ]]> <b>&amp; \xff\xfe\xc3( \x00 \xef\xbf\xbe end"

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(8)
listener.settimeout(20)


def serve():
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(10)
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                request += chunk
            connection.sendall(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(BODY) + BODY)


threading.Thread(target=serve, daemon=True).start()


def probe_reports(url, name):
    junit = os.path.join(output_dir, name + "-junit.xml")
    report = os.path.join(output_dir, name + "-report.json")
    result = subprocess.run(
        [probe, "--url", url, "--timeout-ms", "2000", "--junit", junit, "--json", report],
        capture_output=True, timeout=25)
    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    if result.returncode != 1:
        sys.exit(f"{name}: expected exit 1 (failed journey), got {result.returncode}:\n{output}")
    failure = ElementTree.parse(junit).getroot().find(".//failure")
    if failure is None or "]]>" not in failure.text:
        sys.exit(f"{name}: expected a failure holding ]]>, got {ElementTree.tostring(failure)}")
    json.loads(open(report, "rb").read().decode("utf-8"))
    return failure


failure = probe_reports(f"ws://127.0.0.1:{listener.getsockname()[1]}/ws", "http-body")
listener.close()
if "http_status(500)" not in failure.get("message"):
    sys.exit(f"http-body: expected http_status(500), got {failure.get('message')}")

script = os.path.join(output_dir, "agent-error-script.json")
with open(script, "w") as out:
    json.dump({"events": [{"type": "agent_started", "agent_name": "a"},
                          {"type": "agent_error",
                           "message": "bad \u0001\u0002 \u001b[31m ]]> \u0000 \ufffe end"}]},
              out)
double = subprocess.Popen([server, "--script", script], stdout=subprocess.PIPE)
try:
    ready = double.stdout.readline().decode().split()
    if len(ready) < 2 or ready[0] != "listening":
        sys.exit(f"goldenpath-server did not start: {ready}")
    failure = probe_reports(ready[1], "agent-error")
finally:
    double.terminate()
    double.wait(timeout=10)
if "agent_error" not in failure.get("message"):
    sys.exit(f"agent-error: expected agent_error, got {failure.get('message')}")
print("junit parses as XML, report is UTF-8 JSON")
