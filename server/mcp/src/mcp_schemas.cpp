// The tools' JSON Schemas: result shapes and shared argument fields.
#include "mcp/mcp_schemas.hpp"

#include <boost/json.hpp>

#include "taskcore/service/query_params.hpp"

namespace taskcore::server::mcp {
namespace {

namespace bj = boost::json;

// JSON Schemas of the results (2020-12 and draft-07 alike: no $ref, no $defs).
constexpr std::string_view kTaskSchema = R"json({"type": "object",
  "required": ["id", "user_id", "title", "description", "completed", "status", "priority", "due_date", "tags", "completed_at", "created_at", "updated_at", "etag"],
  "properties": {"id": {"type": "string", "format": "uuid"}, "user_id": {"type": "string"}, "title": {"type": "string"},
    "description": {"type": ["string", "null"]}, "completed": {"type": "boolean"}, "status": {"type": "string", "enum": ["pending", "completed"]},
    "priority": {"type": "string", "enum": ["low", "medium", "high"]}, "due_date": {"type": ["string", "null"], "format": "date-time"},
    "tags": {"type": "array", "items": {"type": "string"}}, "completed_at": {"type": ["string", "null"], "format": "date-time"},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
    "etag": {"type": "string", "description": "The task's version, the ETag REST sends: pass it as if_match to change the task only if nobody changed it since"}}})json";
constexpr std::string_view kConversationSchema = R"json({"type": "object",
  "required": ["id", "user_id", "title", "created_at", "updated_at"],
  "properties": {"id": {"type": "string", "format": "uuid"}, "user_id": {"type": "string"}, "title": {"type": ["string", "null"]},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"}}})json";
constexpr std::string_view kMessageSchema = R"json({"type": "object",
  "required": ["id", "user_id", "conversation_id", "role", "content", "created_at"],
  "properties": {"id": {"type": "string", "format": "uuid"}, "user_id": {"type": "string"}, "conversation_id": {"type": "string", "format": "uuid"},
    "role": {"type": "string", "enum": ["user", "assistant", "system", "tool"]}, "content": {"type": "string"},
    "created_at": {"type": "string", "format": "date-time"}}})json";
constexpr std::string_view kDeletedSchema = R"json({"type": "object", "required": ["id", "deleted"],
  "properties": {"id": {"type": "string", "format": "uuid"}, "deleted": {"type": "boolean", "const": true}}})json";

bj::value page_schema(std::string_view key, std::string_view item) {
    bj::object properties{{key, bj::object{{"type", "array"}, {"items", bj::parse(item)}}},
                          {"total", bj::object{{"type", "integer"}, {"minimum", 0}}},
                          {"limit", bj::object{{"type", "integer"}}},
                          {"offset", bj::object{{"type", "integer"}}},
                          {"next_cursor", bj::object{{"type", bj::array{"string", "null"}}}}};
    return bj::object{{"type", "object"},
                      {"required", bj::array{key, "total", "limit", "offset", "next_cursor"}},
                      {"properties", std::move(properties)}};
}

}  // namespace

bj::value output_schema(Output output) {
    switch (output) {
        case Output::task:
            return bj::parse(kTaskSchema);
        case Output::task_page:
            return page_schema("tasks", kTaskSchema);
        case Output::conversation:
            return bj::parse(kConversationSchema);
        case Output::conversation_page:
            return page_schema("conversations", kConversationSchema);
        case Output::message:
            return bj::parse(kMessageSchema);
        case Output::message_page:
            return page_schema("messages", kMessageSchema);
        case Output::deleted:
            return bj::parse(kDeletedSchema);
    }
    return bj::object{{"type", "object"}};
}

// The argument schemas the tools share (JSON object members, joined into whole schemas).
const std::string_view kTaskFields =
    R"json("title": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": {"type": ["string", "null"], "maxLength": 1000},
    "priority": {"type": "string", "enum": ["low", "medium", "high"]},
    "due_date": {"type": ["string", "null"], "format": "date-time", "description": "RFC 3339 with a time zone, e.g. 2026-12-24T18:00:00Z"},
    "tags": {"type": "array", "maxItems": 10, "uniqueItems": true, "items": {"type": "string", "minLength": 1, "maxLength": 32}})json";
const std::string_view kTaskId = R"json("task_id": {"type": "string", "format": "uuid"})json";
const std::string_view kConversationId =
    R"json("conversation_id": {"type": "string", "format": "uuid"})json";

std::string page_fields(int default_limit) {
    return R"json("limit": {"type": "integer", "minimum": 1, "maximum": )json" +
           std::to_string(kMaxPageLimit) + R"json(, "default": )json" +
           std::to_string(default_limit) +
           R"json(}, "offset": {"type": "integer", "minimum": 0, "default": 0}, "cursor": {"type": "string", "description": "next_cursor of the previous result: continues the same list (same filters and sort); not with offset"})json";
}

std::string object_schema(std::string_view required, const std::string& properties) {
    return R"json({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "additionalProperties": false, "required": [)json" +
           std::string(required) + R"json(], "properties": {)json" + properties + "}}";
}

std::string join(std::initializer_list<std::string_view> members) {
    std::string out;
    for (const auto m : members) {
        if (!out.empty()) out += ", ";
        out += m;
    }
    return out;
}

}  // namespace taskcore::server::mcp
