#!/usr/bin/python3
"""An agent server built on the Python `websockets` package (10.x, legacy API), speaking the
goldenpath wire contract (docs/wire-contract.md) with the same frames as goldenpath-server:

- upgrade on /ws (other paths: 404); with --token, the token must arrive as
  `Authorization: Bearer <t>`, as a `jwt-auth.<t>` subprotocol offer (which is then selected) or
  as `?token=<t>`, else the upgrade is answered with HTTP 401;
- after the upgrade: {"type":"connection_established","data":{connection_id,user_id}};
- every user_message is answered with the five golden-path events carrying its run_id and
  thread_id (runs on one connection may follow or overlap each other).

Binds 127.0.0.1 port 0 (or --port) and prints one flushed line `listening ws://127.0.0.1:PORT/ws`,
with --tls `listening wss://localhost:PORT/ws ca-file PATH` (a CA and an EC P-256 leaf made with
the openssl CLI in a temporary directory, removed on exit). Serves until SIGTERM/SIGINT, exits 0.

usage: agent_server.py [--port N] [--tls] [--token T]...
"""

import argparse
import asyncio
import http
import itertools
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
from urllib.parse import parse_qs, urlsplit

import websockets
from websockets.headers import parse_subprotocol
from websockets.legacy.server import WebSocketServerProtocol

PATH = "/ws"
SUBPROTOCOL_PREFIX = "jwt-auth."


def frame(message):
    # Sorted keys and no spaces: byte for byte what goldenpath-server (nlohmann::json::dump) sends.
    return json.dumps(message, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def golden_path_events(thread_id, run_id):
    ids = {}
    if thread_id:
        ids["thread_id"] = thread_id
    if run_id:
        ids["run_id"] = run_id
    return [
        {"type": "agent_started", "agent_name": "triage_agent",
         "data": {"agent_name": "triage_agent"}, **ids},
        {"type": "agent_thinking", "data": {"reasoning": "Looking up the order"}, **ids},
        {"type": "tool_executing",
         "data": {"tool_name": "order_lookup", "tool_call_id": "call-1"}, **ids},
        {"type": "tool_completed",
         "data": {"tool_name": "order_lookup", "tool_call_id": "call-1",
                  "results": {"status": "shipped"}}, **ids},
        {"type": "agent_completed", "data": {"final_response": "Your order has shipped."}, **ids},
    ]


def start_ids(text):
    """(thread_id, run_id) of a user_message, None for anything else."""
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") != "user_message":
        return None
    payload = message.get("payload")
    fields = payload if isinstance(payload, dict) else message

    def text_field(name):
        value = fields.get(name)
        return value if isinstance(value, str) else ""

    return text_field("thread_id"), text_field("run_id")


def offered_subprotocols(headers):
    offered = []
    for value in headers.get_all("Sec-WebSocket-Protocol"):
        try:
            offered.extend(parse_subprotocol(value))
        except websockets.exceptions.InvalidHeader:
            pass
    return offered


def make_protocol_class(tokens):
    class AgentProtocol(WebSocketServerProtocol):
        selected = None

        async def process_request(self, path, request_headers):
            target = urlsplit(path)
            if target.path != PATH:
                return http.HTTPStatus.NOT_FOUND, [], b"not found\n"
            offered = offered_subprotocols(request_headers)
            carrying = [p for p in offered
                        if p.startswith(SUBPROTOCOL_PREFIX)
                        and p[len(SUBPROTOCOL_PREFIX):] in tokens]
            if carrying:
                self.selected = carrying[0]
            elif offered:
                self.selected = offered[0]
            if tokens and not carrying and not self.bearer_accepted(request_headers) \
                    and not self.query_accepted(target.query):
                return (http.HTTPStatus.UNAUTHORIZED, [("WWW-Authenticate", "Bearer")],
                        b"invalid or missing token\n")
            return None

        @staticmethod
        def bearer_accepted(headers):
            authorization = headers.get("Authorization", "")
            scheme, _, token = authorization.partition(" ")
            return scheme.lower() == "bearer" and token.strip() in tokens

        @staticmethod
        def query_accepted(query):
            return any(t in tokens for t in parse_qs(query).get("token", []))

        def process_subprotocol(self, headers, available_subprotocols):
            return self.selected

    return AgentProtocol


def make_certificate(directory):
    """A CA and a leaf for 127.0.0.1 and localhost (EC P-256), via the openssl CLI."""
    def path(name):
        return os.path.join(directory, name)

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=30)

    ec = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
    openssl("genpkey", *ec, "-out", path("ca.key"))
    openssl("req", "-x509", "-new", "-key", path("ca.key"), "-sha256", "-days", "2",
            "-subj", "/CN=goldenpath interop python CA", "-out", path("ca.pem"))
    openssl("genpkey", *ec, "-out", path("leaf.key"))
    openssl("req", "-new", "-key", path("leaf.key"), "-subj", "/CN=localhost",
            "-out", path("leaf.csr"))
    with open(path("leaf.ext"), "w", encoding="ascii") as ext:
        ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                  "basicConstraints=critical,CA:FALSE\n"
                  "keyUsage=critical,digitalSignature\n"
                  "extendedKeyUsage=serverAuth\n"
                  "subjectKeyIdentifier=hash\n"
                  "authorityKeyIdentifier=keyid\n")
    openssl("x509", "-req", "-in", path("leaf.csr"), "-CA", path("ca.pem"),
            "-CAkey", path("ca.key"), "-CAcreateserial", "-days", "2", "-sha256",
            "-extfile", path("leaf.ext"), "-out", path("leaf.pem"))
    return path("ca.pem"), path("leaf.pem"), path("leaf.key")


async def serve(args, certificate_dir):
    connection_ids = itertools.count(1)

    async def handler(websocket):
        connection = next(connection_ids)
        await websocket.send(frame({"type": "connection_established",
                                    "data": {"connection_id": f"conn-{connection}",
                                             "user_id": f"user-{connection}"}}))
        try:
            async for message in websocket:
                ids = start_ids(message) if isinstance(message, str) else None
                if ids is None:
                    continue
                for event in golden_path_events(*ids):
                    await websocket.send(frame(event))
        except websockets.exceptions.ConnectionClosed:
            pass

    tls = None
    ca_file = None
    if args.tls:
        ca_file, cert_file, key_file = make_certificate(certificate_dir)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert_file, key_file)

    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set_result, None)

    async with websockets.serve(handler, "127.0.0.1", args.port, ssl=tls, compression=None,
                                create_protocol=make_protocol_class(frozenset(args.token))) \
            as server:
        port = server.sockets[0].getsockname()[1]
        if tls:
            print(f"listening wss://localhost:{port}{PATH} ca-file {ca_file}", flush=True)
        else:
            print(f"listening ws://127.0.0.1:{port}{PATH}", flush=True)
        await stop


def main():
    parser = argparse.ArgumentParser(description="goldenpath interop agent server (websockets)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default 0)")
    parser.add_argument("--tls", action="store_true", help="serve wss:// with a generated CA")
    parser.add_argument("--token", action="append", default=[],
                        help="accepted token (repeatable); none = no auth")
    args = parser.parse_args()
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be 0-65535, but is {args.port}")
    if any(not t for t in args.token):
        parser.error("--token must not be empty")
    with tempfile.TemporaryDirectory(prefix="goldenpath-interop-py-") as certificate_dir:
        try:
            asyncio.run(serve(args, certificate_dir))
        except subprocess.CalledProcessError as error:
            sys.stderr.write(f"agent_server.py: openssl {error.cmd[1]} failed: "
                             f"{error.stderr.decode(errors='replace').strip()}\n")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
