# goldenpath-probe against a server whose HTTP error body holds control characters, invalid UTF-8
# and "]]>": the --junit file must parse as XML 1.0 and the --json file must be valid UTF-8 JSON.
#   python3 hostile_http_reports.py PROBE OUTPUT_DIR
import json
import os
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ElementTree

probe, output_dir = sys.argv[1], sys.argv[2]
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
junit = os.path.join(output_dir, "hostile-junit.xml")
report = os.path.join(output_dir, "hostile-report.json")
port = listener.getsockname()[1]
result = subprocess.run(
    [probe, "--url", f"ws://127.0.0.1:{port}/ws", "--timeout-ms", "2000", "--junit", junit,
     "--json", report], capture_output=True, timeout=25)
listener.close()
output = (result.stdout + result.stderr).decode("utf-8", "replace")
if result.returncode != 1:
    sys.exit(f"expected exit 1 (failed journey), got {result.returncode}:\n{output}")
failure = ElementTree.parse(junit).getroot().find(".//failure")
if failure is None or "]]>" not in failure.text or "http_status" not in failure.get("message"):
    sys.exit(f"expected a failure holding the body's ]]>, got {ElementTree.tostring(failure)}")
json.loads(open(report, "rb").read().decode("utf-8"))
print("junit parses as XML, report is UTF-8 JSON:", failure.text[:200])
