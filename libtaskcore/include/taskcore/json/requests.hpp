// Decoding request bodies: strict JSON parsing, field types and unknown fields. The rules on
// values (lengths, tags) belong to the services (service/input_rules.hpp), not to this layer.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/task.hpp"

namespace taskcore::json {

// The body is not JSON at all (or not UTF-8): 400 rather than 422.
class MalformedJsonError : public Error {
  public:
    explicit MalformedJsonError(const std::string& message)
        : Error(ErrorKind::malformed_input, message) {}
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

// A decoded body as the client sent it (not yet validated or trimmed), with every problem of
// shape found: wrong types, missing required fields, unknown fields. Hand both to the service,
// which adds the broken rules and reports them all at once.
template <typename T>
struct Decoded {
    T value;
    std::vector<FieldError> problems;
};

// Read-only task fields (id, user_id, status, completed_at, created_at, updated_at) are ignored.
Decoded<NewTask> parse_new_task(const boost::json::value& body);
Decoded<TaskPatch> parse_task_patch(const boost::json::value& body);
Decoded<NewConversation> parse_new_conversation(const boost::json::value& body);
Decoded<NewMessage> parse_new_message(const boost::json::value& body);
// {"completed": bool} for PATCH .../complete (the empty-body toggle is decided before this);
// no rules beyond its type, so it throws ValidationError itself.
bool parse_completion(const boost::json::value& body);

}  // namespace taskcore::json
