// An agent server built on the Node `ws` package, speaking the goldenpath wire contract
// (docs/wire-contract.md) with the same frames as goldenpath-server:
// - upgrade on /ws (other paths: 404); with --token, the token must arrive as
//   `Authorization: Bearer <t>`, as a `jwt-auth.<t>` subprotocol offer (which is then selected)
//   or as `?token=<t>`, else the upgrade is answered with HTTP 401;
// - after the upgrade: {"type":"connection_established","data":{connection_id,user_id}};
// - every user_message is answered with the five golden-path events carrying its run_id and
//   thread_id (runs on one connection may follow or overlap each other).
// Binds 127.0.0.1 port 0 (or --port) and prints one line `listening ws://127.0.0.1:PORT/ws`, with
// --tls `listening wss://localhost:PORT/ws ca-file PATH` (a CA and an EC P-256 leaf made with the
// openssl CLI in a temporary directory, removed on exit). Serves until SIGTERM/SIGINT, exits 0.
//   node agent_server.mjs [--port N] [--tls] [--token T]...
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';

const PATH = '/ws';
const SUBPROTOCOL_PREFIX = 'jwt-auth.';

function usage(message) {
  process.stderr.write(`agent_server.mjs: ${message}\nusage: node agent_server.mjs [--port N] [--tls] [--token T]...\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { port: 0, tls: false, tokens: new Set() };
  for (let i = 0; i < argv.length; ++i) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--port') {
      const text = value();
      const port = Number(text);
      if (!/^\d+$/.test(text) || port > 65535) usage(`--port must be an integer 0-65535, but is "${text}"`);
      options.port = port;
    } else if (flag === '--tls') {
      options.tls = true;
    } else if (flag === '--token') {
      const token = value();
      if (token === '') usage('--token must not be empty');
      options.tokens.add(token);
    } else {
      usage(`unknown flag: ${flag}`);
    }
  }
  return options;
}

// Sorted keys, no spaces: byte for byte what goldenpath-server (nlohmann::json::dump) sends.
function sortedJson(value) {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function goldenPathEvents(threadId, runId) {
  const ids = {};
  if (threadId) ids.thread_id = threadId;
  if (runId) ids.run_id = runId;
  return [
    { type: 'agent_started', agent_name: 'triage_agent', data: { agent_name: 'triage_agent' }, ...ids },
    { type: 'agent_thinking', data: { reasoning: 'Looking up the order' }, ...ids },
    { type: 'tool_executing', data: { tool_name: 'order_lookup', tool_call_id: 'call-1' }, ...ids },
    {
      type: 'tool_completed',
      data: { tool_name: 'order_lookup', tool_call_id: 'call-1', results: { status: 'shipped' } },
      ...ids,
    },
    { type: 'agent_completed', data: { final_response: 'Your order has shipped.' }, ...ids },
  ];
}

// [thread_id, run_id] of a user_message, null for anything else.
function startIds(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (message === null || typeof message !== 'object' || message.type !== 'user_message') return null;
  const fields = message.payload !== null && typeof message.payload === 'object' ? message.payload : message;
  const textField = (name) => (typeof fields[name] === 'string' ? fields[name] : '');
  return [textField('thread_id'), textField('run_id')];
}

function offeredSubprotocols(request) {
  const header = request.headers['sec-websocket-protocol'];
  if (!header) return [];
  return header.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

// Checks the path and the token; returns null to accept (and sets request.selectedSubprotocol),
// or [status, body] to refuse.
function decideUpgrade(request, tokens) {
  const target = new URL(request.url, 'http://127.0.0.1');
  if (target.pathname !== PATH) return [404, 'not found\n'];
  const offered = offeredSubprotocols(request);
  const carrying = offered.find((p) => p.startsWith(SUBPROTOCOL_PREFIX) && tokens.has(p.slice(SUBPROTOCOL_PREFIX.length)));
  request.selectedSubprotocol = carrying ?? offered[0];
  if (tokens.size === 0 || carrying) return null;
  const [scheme, ...rest] = (request.headers.authorization ?? '').split(' ');
  if (scheme.toLowerCase() === 'bearer' && tokens.has(rest.join(' ').trim())) return null;
  if (target.searchParams.getAll('token').some((t) => tokens.has(t))) return null;
  return [401, 'invalid or missing token\n'];
}

function refuse(socket, status, body) {
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\n` +
      `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      (status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '') +
      `\r\n${body}`,
  );
}

function makeCertificate(directory) {
  const file = (name) => path.join(directory, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30000 });
  const ec = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl('genpkey', ...ec, '-out', file('ca.key'));
  openssl('req', '-x509', '-new', '-key', file('ca.key'), '-sha256', '-days', '2',
    '-subj', '/CN=goldenpath interop node CA', '-out', file('ca.pem'));
  openssl('genpkey', ...ec, '-out', file('leaf.key'));
  openssl('req', '-new', '-key', file('leaf.key'), '-subj', '/CN=localhost', '-out', file('leaf.csr'));
  fs.writeFileSync(file('leaf.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
    '',
  ].join('\n'));
  openssl('x509', '-req', '-in', file('leaf.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-days', '2', '-sha256', '-extfile', file('leaf.ext'), '-out', file('leaf.pem'));
  return { ca: file('ca.pem'), cert: fs.readFileSync(file('leaf.pem')), key: fs.readFileSync(file('leaf.key')) };
}

const options = parseArgs(process.argv.slice(2));
let certificateDir = null;
let certificate = null;
if (options.tls) {
  certificateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-interop-node-'));
  try {
    certificate = makeCertificate(certificateDir);
  } catch (error) {
    fs.rmSync(certificateDir, { recursive: true, force: true });
    process.stderr.write(`agent_server.mjs: openssl failed: ${error.stderr?.toString().trim() ?? error.message}\n`);
    process.exit(1);
  }
}

const refuseHttp = (request, response) => {
  response.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
  response.end('WebSocket upgrade required\n');
};
const server = certificate
  ? https.createServer({ cert: certificate.cert, key: certificate.key }, refuseHttp)
  : http.createServer(refuseHttp);
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (protocols, request) => request.selectedSubprotocol ?? false,
});

server.on('upgrade', (request, socket, head) => {
  socket.on('error', () => {});
  const refusal = decideUpgrade(request, options.tokens);
  if (refusal) {
    refuse(socket, ...refusal);
    return;
  }
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});

let connections = 0;
wss.on('connection', (ws) => {
  const id = ++connections;
  ws.on('error', () => {});
  ws.send(sortedJson({ type: 'connection_established', data: { connection_id: `conn-${id}`, user_id: `user-${id}` } }));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const ids = startIds(data.toString());
    if (!ids) return;
    for (const event of goldenPathEvents(...ids)) ws.send(sortedJson(event));
  });
});

server.listen(options.port, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(certificate
    ? `listening wss://localhost:${port}${PATH} ca-file ${certificate.ca}`
    : `listening ws://127.0.0.1:${port}${PATH}`);
});

function stop() {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.close(() => {
    if (certificateDir) fs.rmSync(certificateDir, { recursive: true, force: true });
    process.exit(0);
  });
  server.closeAllConnections?.();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
