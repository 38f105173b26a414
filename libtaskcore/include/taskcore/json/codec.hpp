// Boost.JSON mapping of domain objects to the API's wire shapes.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "taskcore/domain/change.hpp"
#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/task.hpp"

namespace taskcore::json {

boost::json::value to_json(const Task& task);
boost::json::value to_json(const Conversation& conversation);
boost::json::value to_json(const Message& message);
// {seq, event, kind, op, id, conversation_id (messages), at, data}: data is the object as it is
// now, or the tombstone {id, deleted: true} once it is gone.
boost::json::value to_json(const Change& change);
// "task.created", "conversation.deleted", "message.created", ...
std::string change_event_name(const Change& change);

// The JSON text of x appended straight to `out` without building a DOM (the response hot path:
// several times cheaper for a page of 50 tasks); serialize(to_json(x)) gives the same text.
void append_json(std::string& out, const Task& task);
void append_json(std::string& out, const Conversation& conversation);
void append_json(std::string& out, const Message& message);
void append_json(std::string& out, const Change& change);
// A JSON string literal (quotes included) for valid UTF-8 text.
void append_json_string(std::string& out, std::string_view text);

}  // namespace taskcore::json
