#include "harness_error.hpp"

#include <cstdlib>
#include <exception>
#include <memory>
#include <typeinfo>

#include <cxxabi.h>

namespace goldenpath::detail {
namespace {

std::string demangled(const std::type_info& type) {
    int status = 0;
    const std::unique_ptr<char, decltype(&std::free)> name(
        abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
    return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

}  // namespace

std::string describe_current_exception() {
    try {
        throw;
    } catch (const std::exception& error) {
        return demangled(typeid(error)) + ": " + error.what();
    } catch (...) {
        if (const std::type_info* type = abi::__cxa_current_exception_type()) {
            return "an exception of type " + demangled(*type);
        }
        return "an exception of unknown type";
    }
}

std::string harness_error(std::string_view source, std::string_view description) {
    std::string text = "harness: ";
    text += source;
    text += " threw ";
    text += description;
    return text;
}

std::string bounded_close_reason(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return std::string(text);
    }
    constexpr std::string_view kEllipsis = "...";
    std::size_t cut = limit - kEllipsis.size();
    // Never cut inside a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
        --cut;
    }
    return std::string(text.substr(0, cut)) + std::string(kEllipsis);
}

}  // namespace goldenpath::detail
