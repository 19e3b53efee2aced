#include "bearer_header.hpp"

namespace goldenpath::detail {

std::pair<std::string, std::string> bearer_authorization(std::string_view token) {
    std::string value = "Bearer ";
    value += token;
    return {"Authorization", std::move(value)};
}

}  // namespace goldenpath::detail
