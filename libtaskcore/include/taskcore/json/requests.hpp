// Decoding request bodies: strict JSON parsing and the contract's create/patch body rules.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/task.hpp"

namespace taskcore::json {

// The body is not JSON at all (or not UTF-8): 400 rather than 422.
class MalformedJsonError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Strict RFC 8259: no comments, trailing commas, NaN/Infinity, invalid UTF-8 or lone surrogate
// escapes; nesting depth bounded. Throws MalformedJsonError naming the problem.
boost::json::value parse_body(std::string_view text);

struct NewConversation {
    std::optional<std::string> title;
};

struct NewMessage {
    MessageRole role = MessageRole::user;
    std::string content;
};

// Each throws ValidationError listing every problem (wrong types, unknown fields, rules).
// Read-only task fields (id, user_id, status, completed_at, created_at, updated_at) are ignored.
NewTask parse_new_task(const boost::json::value& body);
TaskPatch parse_task_patch(const boost::json::value& body);
// {"completed": bool} for PATCH .../complete (the empty-body toggle is decided before this).
bool parse_completion(const boost::json::value& body);
NewConversation parse_new_conversation(const boost::json::value& body);
NewMessage parse_new_message(const boost::json::value& body);

}  // namespace taskcore::json
