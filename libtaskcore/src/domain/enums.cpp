// Wire names of the domain enumerations.
#include "taskcore/domain/enums.hpp"

namespace taskcore {

std::string_view to_string(Priority p) {
    switch (p) {
        case Priority::low:
            return "low";
        case Priority::medium:
            return "medium";
        case Priority::high:
            return "high";
    }
    return "medium";
}

std::string_view to_string(MessageRole r) {
    switch (r) {
        case MessageRole::user:
            return "user";
        case MessageRole::assistant:
            return "assistant";
        case MessageRole::system:
            return "system";
        case MessageRole::tool:
            return "tool";
    }
    return "user";
}

std::optional<Priority> parse_priority(std::string_view text) {
    if (text == "low") return Priority::low;
    if (text == "medium") return Priority::medium;
    if (text == "high") return Priority::high;
    return std::nullopt;
}

std::optional<MessageRole> parse_message_role(std::string_view text) {
    if (text == "user") return MessageRole::user;
    if (text == "assistant") return MessageRole::assistant;
    if (text == "system") return MessageRole::system;
    if (text == "tool") return MessageRole::tool;
    return std::nullopt;
}

}  // namespace taskcore
