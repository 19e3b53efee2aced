#include "retry_decision.hpp"

namespace goldenpath::detail {

bool is_retryable(const Failure& failure) {
    switch (failure.kind) {
        case FailureKind::refused:
        case FailureKind::timeout:
        case FailureKind::dns:
        case FailureKind::closed:
            return true;
        case FailureKind::http_status:
            return failure.http_status >= 500;
        default:
            return false;
    }
}

}  // namespace goldenpath::detail
