// A golden-path client built on the Node `ws` package: connects to URL with
// `Authorization: Bearer $GOLDENPATH_TOKEN` (no header when the variable is unset), waits for
// connection_established, sends one user_message, receives the run's events and checks them
// against docs/wire-contract.md: agent_started first, agent_thinking before any tool, every tool_completed
// matching an open tool_executing, agent_completed last with no tool open and at least one tool
// pair, every event carrying our run_id and thread_id, required fields present.
// Prints one verdict line (`PASS ...` or `FAIL <reason> ...`, never the token) and exits 0 on
// pass, 1 on fail, 2 on bad usage. Everything is bounded by --timeout-ms (default 10000).
//   node golden_path_client.mjs URL [--ca-file PEM] [--timeout-ms N]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import WebSocket from 'ws';

const NAME = 'node ws client';
const IGNORED = new Set(['connection_established', 'heartbeat', 'ping', 'pong', 'heartbeat_ack',
  'partial_result', 'progress_update', 'final_report']);
const TERMINAL = new Set(['agent_error', 'agent_death', 'error', 'error_message']);
const REQUIRED = {
  agent_started: [['agent_name']],
  agent_thinking: [['reasoning', 'thought']],
  tool_executing: [['tool_name']],
  tool_completed: [['tool_name'], ['results', 'result', 'error']],
  agent_completed: [['final_response', 'result', 'status']],
};

class JourneyFailed extends Error {}

function usage(message) {
  process.stderr.write(`golden_path_client.mjs: ${message}\n` +
    'usage: node golden_path_client.mjs URL [--ca-file PEM] [--timeout-ms N]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { url: null, caFile: null, timeoutMs: 10000 };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--ca-file') {
      options.caFile = value();
    } else if (arg === '--timeout-ms') {
      const text = value();
      if (!/^[1-9]\d*$/.test(text)) usage(`--timeout-ms must be a positive integer, but is "${text}"`);
      options.timeoutMs = Number(text);
    } else if (arg.startsWith('--')) {
      usage(`unknown flag: ${arg}`);
    } else if (options.url === null) {
      options.url = arg;
    } else {
      usage(`unexpected argument: "${arg}"`);
    }
  }
  if (options.url === null) usage('URL is required');
  if (!/^wss?:\/\//.test(options.url)) usage(`URL must start with ws:// or wss://, but is "${options.url}"`);
  return options;
}

// A detail field: looked up in `data`, then `payload`, then at the root.
function findField(event, name) {
  for (const container of ['data', 'payload']) {
    const inner = event[container];
    if (inner !== null && typeof inner === 'object' && inner[name] != null) return inner[name];
  }
  return event[name] ?? null;
}

// The verifier's order rules for one run; throws JourneyFailed naming the broken rule.
class GoldenPathChecker {
  constructor(threadId, runId) {
    this.threadId = threadId;
    this.runId = runId;
    this.types = [];
    this.openTools = [];
    this.toolPairs = 0;
    this.completed = false;
  }

  feed(event) {
    const kind = event.type;
    const index = this.types.length;
    if (TERMINAL.has(kind)) {
      const field = ['message', 'error', 'error_message', 'detail'].find((f) => findField(event, f) !== null);
      throw new JourneyFailed(`agent_error: ${kind} at event #${index}: ${field ? findField(event, field) : ''}`);
    }
    for (const [field, expected] of [['run_id', this.runId], ['thread_id', this.threadId]]) {
      if (event[field] !== expected) {
        throw new JourneyFailed(`foreign_event: event #${index} (${kind}) has ${field} ` +
          `${JSON.stringify(event[field] ?? null)}, expected ${JSON.stringify(expected)}`);
      }
    }
    for (const group of REQUIRED[kind] ?? []) {
      if (group.every((f) => findField(event, f) === null)) {
        throw new JourneyFailed(`missing_field: event #${index} (${kind}) lacks ${group.join(' or ')}`);
      }
    }
    if (this.completed) throw new JourneyFailed(`event_after_completion: event #${index} is ${kind}`);
    if (index === 0 && kind !== 'agent_started') {
      throw new JourneyFailed(`first_not_started: event #0 is ${kind}, but agent_started was expected`);
    }
    if (index > 0 && kind === 'agent_started') {
      throw new JourneyFailed(`duplicate_started: event #${index} is a second agent_started`);
    }
    if (kind === 'tool_executing') {
      if (!this.types.includes('agent_thinking')) {
        throw new JourneyFailed(`no_thinking_before_tool: event #${index} is tool_executing before any agent_thinking`);
      }
      this.openTools.push(GoldenPathChecker.toolKey(event));
    } else if (kind === 'tool_completed') {
      this.closeTool(event, index);
    } else if (kind === 'agent_completed') {
      if (this.openTools.length > 0) {
        throw new JourneyFailed(`tool_open_at_completion: event #${index} is agent_completed while ` +
          `${this.openTools[0].name} is open`);
      }
      if (this.toolPairs === 0) {
        throw new JourneyFailed(`no_tool_call: event #${index} is agent_completed without any tool pair`);
      }
      this.completed = true;
    }
    this.types.push(kind);
  }

  static toolKey(event) {
    return { callId: findField(event, 'tool_call_id') ?? findField(event, 'execution_id'), name: findField(event, 'tool_name') };
  }

  closeTool(event, index) {
    const { callId, name } = GoldenPathChecker.toolKey(event);
    const position = this.openTools.findIndex((open) =>
      (callId && open.callId ? callId === open.callId : name === open.name));
    if (position < 0) {
      throw new JourneyFailed(`unmatched_tool_completed: event #${index} completes ${name} (call ${callId}), ` +
        'which is not executing');
    }
    this.openTools.splice(position, 1);
    this.toolPairs += 1;
  }
}

function journey(options, token) {
  return new Promise((resolve, reject) => {
    const threadId = `interop-thread-${randomBytes(6).toString('hex')}`;
    const runId = `interop-run-${randomBytes(6).toString('hex')}`;
    const checker = new GoldenPathChecker(threadId, runId);
    const started = performance.now();
    let ready = false;
    let settled = false;
    const ws = new WebSocket(options.url, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      ca: options.caFile ? fs.readFileSync(options.caFile) : undefined,
      perMessageDeflate: false,
      handshakeTimeout: options.timeoutMs,
    });
    const finish = (error, summary) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        ws.terminate();
        reject(error);
        return;
      }
      // Bounded close: the server's close frame usually arrives at once; never wait past 1 s.
      const closeTimer = setTimeout(() => ws.terminate(), 1000);
      ws.once('close', () => {
        clearTimeout(closeTimer);
        resolve(summary);
      });
      ws.close(1000, 'golden path done');
    };
    const timer = setTimeout(() => finish(new JourneyFailed(
      `timeout: no golden path within ${options.timeoutMs} ms (${checker.types.length} events: ` +
      `${checker.types.join(', ') || 'none'})`)), options.timeoutMs);

    ws.on('unexpected-response', (request, response) => {
      const status = response.statusCode;
      finish(new JourneyFailed(status === 401 || status === 403
        ? `auth_rejected: the upgrade was answered with HTTP ${status}`
        : `http_status(${status}): the upgrade was refused`));
    });
    ws.on('error', (error) => {
      const tls = /certificate|self.signed|SSL|TLS/i.test(`${error.code} ${error.message}`);
      finish(new JourneyFailed(`${tls ? 'tls' : 'connect'}: ${error.code ?? ''} ${error.message}`.trim()));
    });
    ws.on('close', (code) => {
      finish(new JourneyFailed(`ended_before_completion: closed with code ${code} after ` +
        `${checker.types.length} events`));
    });
    ws.on('message', (data, isBinary) => {
      if (settled) return;
      const text = data.toString();
      let event;
      try {
        event = JSON.parse(text);
      } catch {
        finish(new JourneyFailed(`malformed_frame: ${JSON.stringify(text.slice(0, 80))}`));
        return;
      }
      if (isBinary || event === null || typeof event !== 'object' || typeof event.type !== 'string') {
        finish(new JourneyFailed(`malformed_frame: no type in ${JSON.stringify(text.slice(0, 80))}`));
        return;
      }
      try {
        if (!ready) {
          if (TERMINAL.has(event.type)) checker.feed(event);
          if (event.type !== 'connection_established') {
            throw new JourneyFailed(`ready: first frame is ${JSON.stringify(event.type)}, ` +
              'but connection_established was expected');
          }
          ready = true;
          ws.send(JSON.stringify({ type: 'user_message', payload: { content: 'Where is my order?', thread_id: threadId, run_id: runId } }));
          return;
        }
        if (IGNORED.has(event.type)) return;
        checker.feed(event);
      } catch (error) {
        finish(error);
        return;
      }
      if (checker.completed) {
        const elapsed = performance.now() - started;
        finish(null, `${checker.types.length} events (${checker.types.join(', ')}), run_id ${runId}, ${elapsed.toFixed(1)} ms`);
      }
    });
  });
}

const options = parseArgs(process.argv.slice(2));
if (options.caFile !== null && !fs.existsSync(options.caFile)) {
  usage(`--ca-file "${options.caFile}" does not exist`);
}
try {
  const summary = await journey(options, process.env.GOLDENPATH_TOKEN ?? '');
  console.log(`PASS ${NAME} on ${options.url}: ${summary}`);
  process.exitCode = 0;
} catch (error) {
  console.log(`FAIL ${NAME} on ${options.url}: ${error instanceof JourneyFailed ? error.message : error}`);
  process.exitCode = 1;
}
