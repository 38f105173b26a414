// Resource and request-body components of the OpenAPI document, from the shared schemas.
#include "api/openapi_schemas.hpp"

#include <boost/json.hpp>

#include <string_view>

#include "http/resource_schemas.hpp"

namespace taskcore::server {
namespace {

namespace bj = boost::json;

bj::object with_examples(bj::object schema, std::string_view examples) {
    schema["examples"] = bj::parse(examples);
    return schema;
}

// A request body: exactly these properties, `required` among them.
bj::object body(bj::array required, bj::object properties) {
    bj::object schema{{"type", "object"}, {"additionalProperties", false}};
    if (!required.empty()) schema["required"] = std::move(required);
    schema["properties"] = std::move(properties);
    return schema;
}

constexpr std::string_view kTaskExamples =
    R"([{"id": "019ad3a4-5b6c-7d8e-9f01-23456789abcd", "user_id": "alice", "title": "Buy milk",
    "description": "2 litres", "completed": false, "status": "pending", "priority": "high",
    "due_date": "2026-12-24T18:00:00.000Z", "tags": ["home"], "completed_at": null,
    "created_at": "2026-12-01T09:30:00.000Z", "updated_at": "2026-12-01T09:30:00.000Z"}])";

}  // namespace

void add_resource_schemas(bj::object& schemas) {
    auto writable = schemas::task_fields();
    writable["completed"] = bj::object{{"type", "boolean"}};
    schemas["Task"] = with_examples(schemas::task(), kTaskExamples);
    schemas["TaskCreate"] =
        with_examples(body({"title"}, writable),
                      R"([{"title": "Buy milk", "description": "2 litres", "priority": "high",
            "due_date": "2026-12-24T18:00:00Z", "tags": ["home"]}])");
    schemas["TaskPatch"] =
        with_examples(body({}, std::move(writable)),
                      R"([{"completed": true}, {"title": "Buy oat milk", "tags": []}])");
    schemas["Conversation"] = schemas::conversation();
    schemas["ConversationCreate"] = body({}, schemas::conversation_fields());
    schemas["Message"] = schemas::message();
    schemas["MessageCreate"] =
        with_examples(body({"role", "content"}, schemas::message_fields()),
                      R"([{"role": "user", "content": "What is due this week?"}])");
    schemas["Tombstone"] = schemas::tombstone();
}

}  // namespace taskcore::server
