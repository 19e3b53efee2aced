// An AG-UI agent server written with AG-UI's own packages: @ag-ui/core's schemas check every
// RunAgentInput received and every event sent, @ag-ui/encoder writes the server-sent events.
//   node server.mjs [--token TOKEN]
// POST /agent?stream=NAME answers with text/event-stream; a WebSocket on /ws?stream=NAME takes
// the RunAgentInput as its first text frame and answers with one text frame per event. NAME is a
// stream of streams.mjs (default golden). A wrong or missing Bearer token gets 401 (WebSocket:
// the upgrade is refused with 401). Listens on 127.0.0.1, an ephemeral port, and prints
// `listening http://127.0.0.1:PORT` once ready.
import http from "node:http";
import { EventSchemas, RunAgentInputSchema } from "@ag-ui/core/schemas";
import { EventEncoder } from "@ag-ui/encoder";
import { WebSocketServer } from "ws";
import { variants } from "./streams.mjs";

const tokenAt = process.argv.indexOf("--token");
const token = tokenAt > 0 ? process.argv[tokenAt + 1] : undefined;
const maxBody = 1 << 20;

function authorized(request) {
  return token === undefined || request.headers.authorization === `Bearer ${token}`;
}

// The events of the stream the query names, for the ids of `input`; undefined for an unknown name.
function streamFor(url, input) {
  const name = new URL(url, "http://localhost").searchParams.get("stream") ?? "golden";
  const stream = variants(input.threadId, input.runId)[name];
  return stream?.events.map((event) => EventSchemas.parse(event));
}

function parseInput(text) {
  const parsed = RunAgentInputSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`not a RunAgentInput: ${parsed.error.issues.map((i) => i.path.join("/") + " " + i.message).join("; ")}`);
  }
  return parsed.data;
}

const server = http.createServer((request, response) => {
  const path = new URL(request.url, "http://localhost").pathname;
  if (request.method !== "POST" || path !== "/agent") {
    response.writeHead(404).end("not found\n");
    return;
  }
  if (!authorized(request)) {
    response.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}\n');
    return;
  }
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk) => {
    body += chunk;
    if (body.length > maxBody) {
      response.writeHead(413).end("body too large\n");
      request.destroy();
    }
  });
  request.on("end", () => {
    let events;
    try {
      events = streamFor(request.url, parseInput(body));
    } catch (error) {
      response.writeHead(400, { "content-type": "text/plain" }).end(`${error.message}\n`);
      return;
    }
    if (!events) {
      response.writeHead(404).end("no such stream\n");
      return;
    }
    const encoder = new EventEncoder({ accept: request.headers.accept });
    response.writeHead(200, { "content-type": encoder.getContentType(), "cache-control": "no-cache" });
    for (const event of events) {
      response.write(encoder.encodeSSE(event));
    }
    response.end();
  });
});

const sockets = new WebSocketServer({ noServer: true, maxPayload: maxBody });
server.on("upgrade", (request, socket, head) => {
  if (new URL(request.url, "http://localhost").pathname !== "/ws" || !authorized(request)) {
    socket.end("HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    return;
  }
  sockets.handleUpgrade(request, socket, head, (ws) => {
    ws.once("message", (data, isBinary) => {
      try {
        if (isBinary) {
          throw new Error("the RunAgentInput must be a text frame");
        }
        const events = streamFor(request.url, parseInput(data.toString("utf8")));
        if (!events) {
          throw new Error("no such stream");
        }
        for (const event of events) {
          ws.send(JSON.stringify(event));
        }
        ws.close(1000, "run over");
      } catch (error) {
        ws.close(1008, error.message.slice(0, 120));
      }
    });
  });
});

server.listen(0, "127.0.0.1", () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => process.exit(0));
}
