#!/usr/bin/python3
"""A golden-path client built on the Python `websockets` package (10.x): connects to URL with
`Authorization: Bearer $GOLDENPATH_TOKEN` (no header when the variable is unset), waits for
connection_established, sends one user_message, receives the run's events and checks them
against docs/wire-contract.md: agent_started first, agent_thinking before any tool, every
tool_completed matching an open tool_executing, agent_completed last with no tool open and at
least one tool pair, every event carrying our run_id and thread_id, required fields present.

Prints one verdict line (`PASS ...` or `FAIL <reason> ...`, never the token) and exits 0 on pass,
1 on fail, 2 on bad usage. Everything is bounded by --timeout-ms (default 10000).

usage: golden_path_client.py URL [--ca-file PEM] [--timeout-ms N]
"""

import argparse
import asyncio
import json
import os
import ssl
import sys
import time
import uuid

import websockets

NAME = "python websockets client"
IGNORED = {"connection_established", "heartbeat", "ping", "pong", "heartbeat_ack",
           "partial_result", "progress_update", "final_report"}
TERMINAL = {"agent_error", "agent_death", "error", "error_message"}
REQUIRED = {
    "agent_started": [["agent_name"]],
    "agent_thinking": [["reasoning", "thought"]],
    "tool_executing": [["tool_name"]],
    "tool_completed": [["tool_name"], ["results", "result", "error"]],
    "agent_completed": [["final_response", "result", "status"]],
}


class JourneyFailed(Exception):
    pass


def find_field(event, name):
    """A detail field: looked up in `data`, then `payload`, then at the root."""
    for container in ("data", "payload"):
        inner = event.get(container)
        if isinstance(inner, dict) and inner.get(name) is not None:
            return inner[name]
    return event.get(name)


class GoldenPathChecker:
    """The verifier's order rules for one run; raises JourneyFailed naming the broken rule."""

    def __init__(self, thread_id, run_id):
        self.thread_id = thread_id
        self.run_id = run_id
        self.types = []
        self.open_tools = []
        self.tool_pairs = 0
        self.completed = False

    def feed(self, event):
        kind = event.get("type")
        index = len(self.types)
        if kind in TERMINAL:
            message = next((str(find_field(event, f)) for f in
                            ("message", "error", "error_message", "detail")
                            if find_field(event, f) is not None), "")
            raise JourneyFailed(f"agent_error: {kind} at event #{index}: {message}")
        for field, expected in (("run_id", self.run_id), ("thread_id", self.thread_id)):
            if event.get(field) != expected:
                raise JourneyFailed(f"foreign_event: event #{index} ({kind}) has {field} "
                                    f"{event.get(field)!r}, expected {expected!r}")
        for group in REQUIRED.get(kind, []):
            if all(find_field(event, f) is None for f in group):
                raise JourneyFailed(f"missing_field: event #{index} ({kind}) lacks "
                                    f"{' or '.join(group)}")
        if self.completed:
            raise JourneyFailed(f"event_after_completion: event #{index} is {kind}")
        if index == 0 and kind != "agent_started":
            raise JourneyFailed(f"first_not_started: event #0 is {kind}, "
                                "but agent_started was expected")
        if index > 0 and kind == "agent_started":
            raise JourneyFailed(f"duplicate_started: event #{index} is a second agent_started")
        if kind == "tool_executing":
            if "agent_thinking" not in self.types:
                raise JourneyFailed(f"no_thinking_before_tool: event #{index} is "
                                    "tool_executing before any agent_thinking")
            self.open_tools.append(self.tool_key(event))
        elif kind == "tool_completed":
            self.close_tool(event, index)
        elif kind == "agent_completed":
            if self.open_tools:
                raise JourneyFailed(f"tool_open_at_completion: event #{index} is "
                                    f"agent_completed while {self.open_tools[0][1]} is open")
            if self.tool_pairs == 0:
                raise JourneyFailed(f"no_tool_call: event #{index} is agent_completed "
                                    "without any tool pair")
            self.completed = True
        self.types.append(kind)

    @staticmethod
    def tool_key(event):
        call_id = find_field(event, "tool_call_id") or find_field(event, "execution_id")
        return call_id, find_field(event, "tool_name")

    def close_tool(self, event, index):
        call_id, name = self.tool_key(event)
        for position, (open_id, open_name) in enumerate(self.open_tools):
            if (call_id and open_id and call_id == open_id) or \
                    ((not call_id or not open_id) and name == open_name):
                del self.open_tools[position]
                self.tool_pairs += 1
                return
        raise JourneyFailed(f"unmatched_tool_completed: event #{index} completes {name} "
                            f"(call {call_id}), which is not executing")


async def journey(url, token, tls, deadline):
    def remaining():
        left = deadline - time.monotonic()
        if left <= 0:
            raise asyncio.TimeoutError
        return left

    headers = [("Authorization", f"Bearer {token}")] if token else []
    thread_id = f"interop-thread-{uuid.uuid4().hex[:12]}"
    run_id = f"interop-run-{uuid.uuid4().hex[:12]}"
    checker = GoldenPathChecker(thread_id, run_id)
    started = time.monotonic()
    try:
        websocket = await asyncio.wait_for(
            websockets.connect(url, extra_headers=headers, ssl=tls, compression=None,
                               open_timeout=None, close_timeout=2), remaining())
    except websockets.exceptions.InvalidStatusCode as error:
        if error.status_code in (401, 403):
            raise JourneyFailed(f"auth_rejected: the upgrade was answered with HTTP "
                                f"{error.status_code}") from None
        raise JourneyFailed(f"http_status({error.status_code}): the upgrade was refused") \
            from None
    except ssl.SSLError as error:
        raise JourneyFailed(f"tls: {error.reason or error}") from None
    except OSError as error:
        raise JourneyFailed(f"connect: {error.strerror or error}") from None
    try:
        ready = json.loads(await asyncio.wait_for(websocket.recv(), remaining()))
        if ready.get("type") in TERMINAL:
            checker.feed(ready)
        if ready.get("type") != "connection_established":
            raise JourneyFailed(f"ready: first frame is {ready.get('type')!r}, "
                                "but connection_established was expected")
        await websocket.send(json.dumps({"type": "user_message", "payload": {
            "content": "Where is my order?", "thread_id": thread_id, "run_id": run_id}}))
        while not checker.completed:
            text = await asyncio.wait_for(websocket.recv(), remaining())
            try:
                event = json.loads(text)
            except ValueError:
                raise JourneyFailed(f"malformed_frame: {text[:80]!r}") from None
            if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                raise JourneyFailed(f"malformed_frame: no type in {text[:80]!r}")
            if event["type"] not in IGNORED:
                checker.feed(event)
        elapsed_ms = (time.monotonic() - started) * 1000
        await asyncio.wait_for(websocket.close(1000, "golden path done"), remaining())
        return (f"{len(checker.types)} events ({', '.join(checker.types)}), "
                f"run_id {run_id}, {elapsed_ms:.1f} ms")
    except asyncio.TimeoutError:
        raise JourneyFailed(f"timeout: no golden path in time ({len(checker.types)} events: "
                            f"{', '.join(checker.types) or 'none'})") from None
    except websockets.exceptions.ConnectionClosed as closed:
        raise JourneyFailed(f"ended_before_completion: closed with code {closed.code} "
                            f"after {len(checker.types)} events") from None
    finally:
        if not websocket.closed:
            websocket.transport.abort()


def main():
    parser = argparse.ArgumentParser(description="goldenpath interop client (websockets)")
    parser.add_argument("url", help="ws:// or wss:// URL of the agent endpoint")
    parser.add_argument("--ca-file", help="PEM file of the CA that signed the server")
    parser.add_argument("--timeout-ms", type=int, default=10000, help="overall deadline")
    args = parser.parse_args()
    if not args.url.startswith(("ws://", "wss://")):
        parser.error(f"URL must start with ws:// or wss://, but is {args.url!r}")
    if args.timeout_ms <= 0:
        parser.error(f"--timeout-ms must be positive, but is {args.timeout_ms}")
    tls = None
    if args.url.startswith("wss://"):
        try:
            tls = ssl.create_default_context(cafile=args.ca_file)
        except (OSError, ssl.SSLError) as error:
            parser.error(f"--ca-file {args.ca_file!r} cannot be loaded: {error}")
    token = os.environ.get("GOLDENPATH_TOKEN", "")
    deadline = time.monotonic() + args.timeout_ms / 1000
    try:
        summary = asyncio.run(journey(args.url, token, tls, deadline))
    except JourneyFailed as failure:
        print(f"FAIL {NAME} on {args.url}: {failure}", flush=True)
        return 1
    except asyncio.TimeoutError:
        print(f"FAIL {NAME} on {args.url}: timeout: no golden path within "
              f"{args.timeout_ms} ms", flush=True)
        return 1
    print(f"PASS {NAME} on {args.url}: {summary}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
