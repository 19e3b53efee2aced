// The AG-UI golden path over HTTP with server-sent events, with Node's own fetch, N times one
// after another: POST a RunAgentInput, read the text/event-stream answer, check RUN_STARTED,
// TOOL_CALL_START, TOOL_CALL_END, RUN_FINISHED in order and no event of another run. Prints one
// JSON line {journeys, failures, seconds, p50_ms, p99_ms, ...} like node_client.mjs.
//   node node_sse_client.mjs http://127.0.0.1:PORT/agent [--journeys N] [--max-seconds S]
import { parseJourneyArgs, runSequentialJourneys } from './sequential_journeys.mjs';

const REQUIRED = ['RUN_STARTED', 'TOOL_CALL_START', 'TOOL_CALL_END', 'RUN_FINISHED'];

// The data of each complete event of an SSE text (LF line ends, as both servers write).
function eventData(text) {
  const out = [];
  for (const block of text.split('\n\n')) {
    const data = block.split('\n').filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
    if (data.length) out.push(data.join('\n'));
  }
  return out;
}

async function journey(url, n) {
  const threadId = `thread-${n}`;
  const runId = `run-${n}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId, runId, state: {}, tools: [], context: [], forwardedProps: {},
      messages: [{ id: `message-${n}`, role: 'user', content: 'What is the status of my order?' }],
    }),
    signal: AbortSignal.timeout(5000),
  });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  const types = [];
  for (const data of eventData(await response.text())) {
    const event = JSON.parse(data);
    if (event.runId !== undefined && event.runId !== runId) {
      throw new Error(`${event.type} belongs to another run`);
    }
    types.push(event.type);
  }
  let next = 0;
  for (const type of types) if (type === REQUIRED[next]) next++;
  if (next !== REQUIRED.length || types[0] !== 'RUN_STARTED' || types.at(-1) !== 'RUN_FINISHED') {
    throw new Error(`events ${types.join(',')}`);
  }
}

const args = parseJourneyArgs(process.argv.slice(2), 'http');
await runSequentialJourneys((n) => journey(args.url, n), args);
