// AG-UI's own verdict (@ag-ui/client verifyEvents) on each stream of streams.mjs, one JSON line
// each; exits 1 when a verdict differs from the one streams.mjs records.
import { verifyEvents } from "@ag-ui/client";
import { EventSchemas } from "@ag-ui/core/schemas";
import { from, lastValueFrom, toArray } from "rxjs";
import { variants } from "./streams.mjs";

let differences = 0;
for (const [name, { events, agui }] of Object.entries(variants("thread-1", "run-1"))) {
  events.forEach((event) => EventSchemas.parse(event)); // every event is valid on its own
  let verdict = "pass";
  let reason = "";
  try {
    await lastValueFrom(from(events).pipe(verifyEvents(), toArray()));
  } catch (error) {
    verdict = "fail";
    reason = error.message;
  }
  if (verdict !== agui) {
    differences += 1;
  }
  console.log(JSON.stringify({ stream: name, agui: verdict, expected: agui, reason }));
}
process.exit(differences === 0 ? 0 : 1);
