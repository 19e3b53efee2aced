// AG-UI's own client against goldenpath's server double (goldenpath-server --profile ag-ui):
// HttpAgent (@ag-ui/client) POSTs its RunAgentInput and reads the answer with AG-UI's own
// server-sent-event parser; every event must pass @ag-ui/core's schemas, and the whole stream
// AG-UI's verifyEvents. Usage: AGUI_TOKEN=... node run_double.mjs URL. Prints one JSON line with
// the event types; exits 1 on any error.
import { HttpAgent, verifyEvents } from "@ag-ui/client";
import { EventSchemas } from "@ag-ui/core/schemas";
import { from, lastValueFrom, toArray } from "rxjs";

const url = process.argv[2];
const agent = new HttpAgent({
  url,
  headers: { Authorization: `Bearer ${process.env.AGUI_TOKEN ?? ""}` },
  initialMessages: [{ id: "message-1", role: "user", content: "What is the status of my order?" }],
});
const events = [];
const types = () => events.map((event) => event.type);
try {
  await agent.runAgent(
    { runId: "run-1" },
    {
      onEvent: ({ event }) => {
        events.push(event);
      },
    },
  );
  events.forEach((event) => EventSchemas.parse(event));
  await lastValueFrom(from(events).pipe(verifyEvents(), toArray()));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error), types: types() }));
  process.exit(1);
}
console.log(JSON.stringify({ ok: true, types: types() }));
