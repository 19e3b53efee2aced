#include "thread_io_context.hpp"

#include <exception>

namespace goldenpath::detail {
namespace {

struct ThreadSlot {
    std::optional<boost::asio::io_context> context;
    bool lent = false;
};

ThreadSlot& thread_slot() {
    thread_local ThreadSlot slot;
    return slot;
}

}  // namespace

ThreadIoContext::ThreadIoContext() : uncaught_(std::uncaught_exceptions()) {
    auto& slot = thread_slot();
    if (slot.lent) {
        context_ = &own_.emplace(1);
        return;
    }
    if (!slot.context) {
        slot.context.emplace(1);
    }
    slot.lent = true;
    context_ = &*slot.context;
}

ThreadIoContext::~ThreadIoContext() {
    if (own_) {
        return;  // the thread's context was not lent
    }
    auto& slot = thread_slot();
    slot.lent = false;
    if (std::uncaught_exceptions() > uncaught_) {
        slot.context.reset();
    }
}

}  // namespace goldenpath::detail
