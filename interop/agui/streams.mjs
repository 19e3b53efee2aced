// The golden AG-UI run and the broken variants goldenpath must reject, shared by the server and
// by the cross-check against AG-UI's own client-side verifier.
export function goldenRun(threadId, runId) {
  return [
    { type: "RUN_STARTED", threadId, runId },
    { type: "TEXT_MESSAGE_START", messageId: "msg-1", role: "assistant" },
    { type: "TEXT_MESSAGE_CONTENT", messageId: "msg-1", delta: "Looking up your order" },
    { type: "TEXT_MESSAGE_END", messageId: "msg-1" },
    { type: "TOOL_CALL_START", toolCallId: "call-1", toolCallName: "order_lookup" },
    { type: "TOOL_CALL_ARGS", toolCallId: "call-1", delta: '{"order":"A-1"}' },
    { type: "TOOL_CALL_END", toolCallId: "call-1" },
    { type: "TOOL_CALL_RESULT", messageId: "msg-2", toolCallId: "call-1", content: "shipped" },
    { type: "RUN_FINISHED", threadId, runId },
  ];
}

// name -> events; `agui` is what AG-UI's verifier says, checked by cross_check.mjs.
export function variants(threadId, runId) {
  const golden = goldenRun(threadId, runId);
  const without = (...types) => golden.filter((event) => !types.includes(event.type));
  return {
    golden: { events: golden, agui: "pass" },
    tool_call_never_ended: { events: without("TOOL_CALL_END", "TOOL_CALL_RESULT"), agui: "fail" },
    run_error: {
      events: [golden[0], { type: "RUN_ERROR", message: "tool crashed", code: "TOOL_FAILED" }],
      agui: "pass", // a run may end with RUN_ERROR; goldenpath calls it agent_error
    },
    event_after_finished: {
      events: [...golden, { type: "TEXT_MESSAGE_START", messageId: "msg-3", role: "assistant" }],
      agui: "fail",
    },
    no_run_started: { events: golden.slice(1), agui: "fail" },
    text_message_never_ended: { events: without("TEXT_MESSAGE_END"), agui: "fail" },
  };
}
