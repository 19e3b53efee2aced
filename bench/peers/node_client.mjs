// The golden-path journey with the npm package `ws`, N times one after another, one connection
// each: connect, wait for connection_established, send user_message, receive the five events,
// check their order and ids, close. Prints one JSON line {journeys, failures, seconds, p50_ms,
// p99_ms, ...}.
//   node node_client.mjs ws://127.0.0.1:PORT/ws [--journeys N] [--max-seconds S]
import { parseJourneyArgs, runSequentialJourneys } from './sequential_journeys.mjs';
import { WebSocket } from 'ws';

const ORDER = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed'];
const IGNORED = new Set(['connection_established', 'heartbeat', 'ping', 'pong', 'heartbeat_ack',
  'partial_result', 'progress_update', 'final_report']);

function journey(url, n) {
  return new Promise((resolve, reject) => {
    const threadId = `thread-${n}`;
    const runId = `run-${n}`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let index = 0;
    let done = false;
    const timer = setTimeout(() => fail(new Error('timeout')), 5000);
    function fail(error) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    }
    ws.on('error', fail);
    ws.on('close', () => {
      if (!done) fail(new Error(`closed after ${index} events`));
    });
    ws.on('message', (data, isBinary) => {
      if (done) return;
      if (isBinary) return fail(new Error('binary frame'));
      let event;
      try {
        event = JSON.parse(data.toString());
      } catch (error) {
        return fail(new Error(`malformed frame: ${error.message}`));
      }
      if (event.type === 'connection_established') {
        ws.send(JSON.stringify({
          type: 'user_message',
          payload: { content: 'What is the status of my order?', thread_id: threadId, run_id: runId },
        }));
        return;
      }
      if (IGNORED.has(event.type)) return;
      if (event.type !== ORDER[index]) {
        return fail(new Error(`event #${index} is ${event.type}, expected ${ORDER[index]}`));
      }
      if (event.run_id !== runId && event.thread_id !== threadId) {
        return fail(new Error(`event #${index} belongs to another run`));
      }
      index++;
      if (index === ORDER.length) {
        done = true;
        clearTimeout(timer);
        ws.once('close', () => resolve());
        ws.close(1000, 'done');
      }
    });
  });
}

const args = parseJourneyArgs(process.argv.slice(2), 'ws');
await runSequentialJourneys((n) => journey(args.url, n), args);
