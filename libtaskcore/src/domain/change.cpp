// Wire names of change kinds and operations (the change log's columns and the feed's JSON).
#include "taskcore/domain/change.hpp"

#include <array>
#include <utility>

namespace taskcore {
namespace {

constexpr std::array<std::pair<ChangeKind, std::string_view>, 3> kKinds{
    {{ChangeKind::task, "task"},
     {ChangeKind::conversation, "conversation"},
     {ChangeKind::message, "message"}}};
constexpr std::array<std::pair<ChangeOp, std::string_view>, 3> kOps{
    {{ChangeOp::created, "created"},
     {ChangeOp::updated, "updated"},
     {ChangeOp::deleted, "deleted"}}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum e) {
    for (const auto& [value, name] : names) {
        if (value == e) return name;
    }
    return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> parse(const std::array<std::pair<Enum, std::string_view>, N>& names,
                          std::string_view text) {
    for (const auto& [value, name] : names) {
        if (name == text) return value;
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(ChangeKind kind) {
    return name_of(kKinds, kind);
}
std::string_view to_string(ChangeOp op) {
    return name_of(kOps, op);
}
std::optional<ChangeKind> parse_change_kind(std::string_view text) {
    return parse(kKinds, text);
}
std::optional<ChangeOp> parse_change_op(std::string_view text) {
    return parse(kOps, text);
}

}  // namespace taskcore
