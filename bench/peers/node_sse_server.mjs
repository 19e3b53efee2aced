// An AG-UI agent server over HTTP with server-sent events, with Node's own http module: a POST of
// a RunAgentInput to /agent is answered with text/event-stream, the same six events as
// goldenpath-server --profile ag-ui sends (RUN_STARTED, REASONING_START, REASONING_END,
// TOOL_CALL_START, TOOL_CALL_END, RUN_FINISHED) with the request's threadId and runId. Listens on
// 127.0.0.1 (port 0 unless given) and prints one line `listening http://127.0.0.1:PORT/agent`;
// exits on SIGINT/SIGTERM.
//   node node_sse_server.mjs [--port N]
import http from 'node:http';

let port = 0;
const portFlag = process.argv.indexOf('--port');
if (portFlag >= 0) port = Number(process.argv[portFlag + 1]);

const MAX_BODY = 1 << 20;

function events(threadId, runId) {
  return [
    { type: 'RUN_STARTED', threadId, runId },
    { type: 'REASONING_START', messageId: 'reasoning-2' },
    { type: 'REASONING_END', messageId: 'reasoning-2' },
    { type: 'TOOL_CALL_START', toolCallId: 'call-1', toolCallName: 'order_lookup' },
    { type: 'TOOL_CALL_END', toolCallId: 'call-1' },
    { type: 'RUN_FINISHED', threadId, runId },
  ];
}

const server = http.createServer((request, response) => {
  if (request.method !== 'POST' || request.url.split('?')[0] !== '/agent') {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  const chunks = [];
  let size = 0;
  request.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) {
      response.writeHead(413, { 'Content-Type': 'text/plain', Connection: 'close' }).end('too large');
      request.destroy();
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    let input;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      response.writeHead(400, { 'Content-Type': 'text/plain' }).end('not JSON');
      return;
    }
    // One connection per journey, as goldenpath-server answers (and as every client here opens).
    response.writeHead(200, {
      'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'close',
    });
    for (const event of events(input.threadId, input.runId)) {
      response.write(`data: ${JSON.stringify(event)}\n\n`);
    }
    response.end();
  });
});
server.listen(port, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}/agent`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
