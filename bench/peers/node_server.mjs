// A `ws` agent server speaking goldenpath's contract (docs/wire-contract.md), the same frames as
// Script::golden_path: connection_established on connect, the five events for each
// user_message, carrying its thread_id and run_id. Listens on 127.0.0.1 (port 0 unless given)
// and prints one line `listening ws://127.0.0.1:PORT/ws`; exits on SIGINT/SIGTERM.
//   node node_server.mjs [--port N]
import { WebSocketServer } from 'ws';

let port = 0;
const portFlag = process.argv.indexOf('--port');
if (portFlag >= 0) port = Number(process.argv[portFlag + 1]);

let connections = 0;
const server = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws', perMessageDeflate: false });

function events(threadId, runId) {
  const ids = { thread_id: threadId, run_id: runId };
  return [
    { type: 'agent_started', data: { agent_name: 'triage_agent' }, agent_name: 'triage_agent', ...ids },
    { type: 'agent_thinking', data: { reasoning: 'Looking up the order' }, ...ids },
    { type: 'tool_executing', data: { tool_name: 'order_lookup', tool_call_id: 'call-1' }, ...ids },
    { type: 'tool_completed', data: { tool_name: 'order_lookup', tool_call_id: 'call-1', results: { status: 'shipped' } }, ...ids },
    { type: 'agent_completed', data: { final_response: 'Your order has shipped.' }, ...ids },
  ];
}

server.on('connection', (ws) => {
  const id = ++connections;
  ws.send(JSON.stringify({ type: 'connection_established', data: { connection_id: `conn-${id}`, user_id: `user-${id}` } }));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let message;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (message?.type !== 'user_message') return;
    const payload = message.payload ?? {};
    for (const event of events(String(payload.thread_id ?? ''), String(payload.run_id ?? ''))) {
      ws.send(JSON.stringify(event));
    }
  });
  ws.on('error', () => {});
});

server.on('listening', () => {
  console.log(`listening ws://127.0.0.1:${server.address().port}/ws`);
});

function stop() {
  for (const client of server.clients) client.terminate();
  server.close(() => process.exit(0));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
