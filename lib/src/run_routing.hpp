// Which run of a verifier an event belongs to, by its ids (docs/wire-contract.md "Routing events
// to runs"). Templates over the verifier's private RunState, which they see through deduction
// only. Internal.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goldenpath/event.hpp"

namespace goldenpath::detail {

// Neither completed nor failed: it may still take events.
template <typename Run>
bool is_open(const Run& run) {
    return !run.completed && !run.violation;
}

// How an event matches the runs: shared by counted events and frames that only go into a
// timeline. Several runs may share a thread (one after another): the open one wins, else the
// latest.
enum class Match { none, routed, bind_by_thread, bind_single_open, foreign };
struct RouteMatch {
    Match match = Match::none;
    std::size_t run = 0;
};

template <typename Run>
RouteMatch match_run(const std::vector<Run>& runs, const Event& event, std::string_view started) {
    const std::string& run_id = event.run_id;
    const std::string& thread_id = event.thread_id;
    if (!run_id.empty()) {
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (runs[i].run_id == run_id || runs[i].bound_run_id == run_id) {
                return {Match::routed, i};
            }
        }
    }
    if (!thread_id.empty()) {
        std::optional<std::size_t> found;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (runs[i].thread_id != thread_id) {
                continue;
            }
            if (is_open(runs[i])) {
                found = i;
                break;
            }
            found = i;
        }
        if (found) {
            const bool bind =
                event.type == started && !run_id.empty() && runs[*found].bound_run_id.empty();
            return {bind ? Match::bind_by_thread : Match::routed, *found};
        }
    }
    if (!run_id.empty() || !thread_id.empty()) {
        // A server-assigned run id at agent_started, with no thread to tie it to a run: it can
        // only belong to the single open run that has no id from the server yet.
        if (event.type == started && !run_id.empty() && thread_id.empty()) {
            std::optional<std::size_t> unbound;
            std::size_t unbound_count = 0;
            for (std::size_t i = 0; i < runs.size(); ++i) {
                if (is_open(runs[i]) && runs[i].bound_run_id.empty()) {
                    unbound = i;
                    ++unbound_count;
                }
            }
            if (unbound_count == 1) {
                return {Match::bind_single_open, *unbound};
            }
        }
        return {Match::foreign, 0};
    }
    const auto open_count = static_cast<std::size_t>(
        std::count_if(runs.begin(), runs.end(), [](const Run& run) { return is_open(run); }));
    if (open_count == 1) {
        const auto open =
            std::find_if(runs.begin(), runs.end(), [](const Run& run) { return is_open(run); });
        return {Match::routed, static_cast<std::size_t>(open - runs.begin())};
    }
    if (open_count == 0 && runs.size() == 1) {
        return {Match::routed, 0};
    }
    return {Match::foreign, 0};
}

}  // namespace goldenpath::detail
