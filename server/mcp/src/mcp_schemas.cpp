// The tools' JSON Schemas: result shapes and shared argument fields.
#include "mcp/mcp_schemas.hpp"

#include <boost/json.hpp>

#include "http/resource_schemas.hpp"
#include "taskcore/service/query_params.hpp"

namespace taskcore::server::mcp {
namespace {

namespace bj = boost::json;

// A task as tool output: the resource plus its etag (the ETag REST sends).
bj::object task_output() {
    auto schema = schemas::task();
    schema["required"].as_array().emplace_back("etag");
    schema["properties"].as_object()["etag"] = {
        {"type", "string"},
        {"description",
         "The task's version, the ETag REST sends: pass it as if_match to change "
         "the task only if nobody changed it since"}};
    return schema;
}

// The members of an object's JSON text, without its braces (to be joined into inputSchemas).
std::string members_of(const bj::object& properties) {
    const auto text = bj::serialize(properties);
    return text.substr(1, text.size() - 2);
}

bj::value page_schema(std::string_view key, bj::object item) {
    bj::object properties{{key, bj::object{{"type", "array"}, {"items", std::move(item)}}},
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
            return task_output();
        case Output::task_page:
            return page_schema("tasks", task_output());
        case Output::conversation:
            return schemas::conversation();
        case Output::conversation_page:
            return page_schema("conversations", schemas::conversation());
        case Output::message:
            return schemas::message();
        case Output::message_page:
            return page_schema("messages", schemas::message());
        case Output::deleted:
            return schemas::tombstone();
    }
    return bj::object{{"type", "object"}};
}

std::string task_fields() {
    return members_of(schemas::task_fields());
}

std::string conversation_fields() {
    return members_of(schemas::conversation_fields());
}

std::string message_fields() {
    return members_of(schemas::message_fields());
}

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
