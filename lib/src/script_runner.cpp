#include "script_runner.hpp"

namespace goldenpath::detail {

RunProgress advance_script_run(ScriptRun& run, const ProtocolProfile& profile,
                               ScriptOutput& output) {
    const auto& steps = run.script.steps();
    while (run.next < steps.size() && !output.closing()) {
        if (!output.has_room()) {
            return RunProgress::paused;
        }
        const ScriptStep& step = steps[run.next++];
        switch (step.kind) {
            case ScriptStep::Kind::event:
                output.text(render_event(step.event, run.ids, profile));
                break;
            case ScriptStep::Kind::send_raw:
                output.text(step.text);
                break;
            case ScriptStep::Kind::send_binary:
                output.binary(step.text);
                break;
            case ScriptStep::Kind::ping:
                output.ping(step.text);
                break;
            case ScriptStep::Kind::close:
                output.close(step.close_code, step.text);
                return RunProgress::closed;
            case ScriptStep::Kind::reset:
                output.reset();
                return RunProgress::closed;
            case ScriptStep::Kind::delay:
                if (!output.delay(step.delay)) {
                    return RunProgress::waiting;
                }
                break;
            case ScriptStep::Kind::stall:
                output.stall();
                run.next = steps.size();
                return RunProgress::ended;
        }
    }
    return RunProgress::ended;
}

}  // namespace goldenpath::detail
