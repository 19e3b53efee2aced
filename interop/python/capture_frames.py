#!/usr/bin/python3
"""Prints, one per line, the text frames an agent server sends on a fresh connection: the ready
event, then the answer to one user_message with fixed ids (thread "interop-thread", run
"interop-run"), up to agent_completed. run-interop.sh diffs this output of each peer server
against goldenpath-server's to prove the frames are byte for byte the same. Bounded by 10 s.

usage: capture_frames.py URL [--ca-file PEM]   (token from GOLDENPATH_TOKEN)
"""

import argparse
import asyncio
import json
import os
import ssl
import sys

import websockets


async def capture(url, token, tls):
    headers = [("Authorization", f"Bearer {token}")] if token else []
    async with websockets.connect(url, extra_headers=headers, ssl=tls, compression=None) as ws:
        print(await ws.recv())
        await ws.send(json.dumps({"type": "user_message", "payload": {
            "content": "Where is my order?", "thread_id": "interop-thread",
            "run_id": "interop-run"}}))
        while True:
            text = await ws.recv()
            print(text)
            if json.loads(text).get("type") == "agent_completed":
                return


def main():
    parser = argparse.ArgumentParser(description="print an agent server's frames")
    parser.add_argument("url")
    parser.add_argument("--ca-file")
    args = parser.parse_args()
    tls = ssl.create_default_context(cafile=args.ca_file) if args.url.startswith("wss:") else None
    try:
        asyncio.run(asyncio.wait_for(capture(args.url, os.environ.get("GOLDENPATH_TOKEN", ""), tls),
                                     10))
    except (asyncio.TimeoutError, OSError, websockets.exceptions.WebSocketException) as error:
        print(f"capture_frames.py: {args.url}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
