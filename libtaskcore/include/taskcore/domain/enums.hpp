// Enumerations of the domain (priority, message role) and their wire names.
#pragma once

#include <optional>
#include <string_view>

namespace taskcore {

// Declared in rank order: low < medium < high is also the sort order.
enum class Priority { low, medium, high };
enum class MessageRole { user, assistant, system, tool };

std::string_view to_string(Priority p);
std::string_view to_string(MessageRole r);
std::optional<Priority> parse_priority(std::string_view text);
std::optional<MessageRole> parse_message_role(std::string_view text);

// "pending" or "completed": the status mirrors the completed flag.
inline std::string_view status_name(bool completed) {
    return completed ? "completed" : "pending";
}

}  // namespace taskcore
