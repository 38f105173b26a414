// Conversation and message value types.
#pragma once

#include <optional>
#include <string>

#include "taskcore/domain/enums.hpp"
#include "taskcore/domain/time.hpp"
#include "taskcore/domain/uuid.hpp"

namespace taskcore {

struct Conversation {
    Uuid id;
    std::string user_id;
    std::optional<std::string> title;
    Timestamp created_at;
    Timestamp updated_at;

    bool operator==(const Conversation&) const = default;
};

struct Message {
    Uuid id;
    std::string user_id;
    Uuid conversation_id;
    MessageRole role = MessageRole::user;
    std::string content;
    Timestamp created_at;

    bool operator==(const Message&) const = default;
};

}  // namespace taskcore
