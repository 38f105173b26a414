// The tool table and the tool handlers. Each handler turns its arguments into exactly what the
// REST route would decode (a body object or query parameters) and calls the same service, so
// the rules, defaults and results are the REST API's own.
#include "mcp/mcp_tools.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>

#include "taskcore/domain/errors.hpp"
#include "taskcore/json/codec.hpp"
#include "taskcore/json/requests.hpp"
#include "taskcore/service/list_cursor.hpp"
#include "taskcore/service/query_params.hpp"

namespace taskcore::server::mcp {
namespace {

namespace bj = boost::json;

// The arguments without `skip`, as the JSON body the REST route would receive.
bj::value body_without(const bj::object& arguments, std::string_view skip) {
    bj::object body;
    for (const auto& [key, value] : arguments) {
        if (key != skip) body[key] = value;
    }
    return body;
}

// Arguments as the query parameters of the REST list route ("limit": 5 -> limit=5).
QueryParams query_of(const bj::object& arguments) {
    QueryParams params;
    for (const auto& [key, value] : arguments) {
        std::string text;
        if (value.is_string()) {
            text = value.as_string();
        } else {
            text = bj::serialize(value);  // integers: their decimal text
        }
        params.emplace_back(std::string(key), std::move(text));
    }
    return params;
}

// A required UUID argument; a malformed one is a tool error naming the argument.
Uuid uuid_argument(const bj::object& arguments, std::string_view name) {
    const auto* value = arguments.if_contains(name);
    if (value == nullptr || !value->is_string())
        throw ValidationError(std::string(name), "is required");
    auto id = parse_uuid(value->as_string());
    if (!id) {
        throw ValidationError(
            std::string(name),
            "must be a UUID like 0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b (use the id "
            "a list or create tool returned)");
    }
    return *id;
}

// {"<key>": [items...], "total", "limit", "offset"} written straight from the rows, as the REST
// list body is (no JSON DOM per row).
template <typename T>
std::string page_result(std::string_view key, const Page<T>& page, int limit, std::int64_t offset,
                        const std::optional<std::string>& next_cursor) {
    std::string out = "{\"" + std::string(key) + "\":[";
    out.reserve(page.items.size() * 400 + 100);
    for (std::size_t i = 0; i < page.items.size(); ++i) {
        if (i > 0) out.push_back(',');
        json::append_json(out, page.items[i]);
    }
    out += "],\"total\":" + std::to_string(page.total) + ",\"limit\":" + std::to_string(limit) +
           ",\"offset\":" + std::to_string(offset) +
           ",\"next_cursor\":" + (next_cursor ? "\"" + *next_cursor + "\"" : std::string("null")) +
           "}";
    return out;
}

template <typename T>
std::string item_result(const T& item) {
    std::string out;
    json::append_json(out, item);
    return out;
}

std::string deleted_result(const Uuid& id) {
    return R"({"id":")" + id.to_string() + R"(","deleted":true})";
}

Awaitable<std::string> add_task(const ToolCall& call) {
    auto input = json::parse_new_task(bj::value(call.arguments));
    const auto task = co_await call.services.create_task(call.user, std::move(input.value),
                                                         std::move(input.problems));
    co_return item_result(task);
}

Awaitable<std::string> list_tasks(const ToolCall& call) {
    const auto query = parse_task_list_query(query_of(call.arguments));
    const auto page = co_await call.services.list_tasks(call.user, query);
    co_return page_result("tasks", page, query.limit, query.offset, next_task_cursor(query, page));
}

Awaitable<std::string> get_task(const ToolCall& call) {
    const auto id = uuid_argument(call.arguments, "task_id");
    co_return item_result(co_await call.services.get_task(call.user, id));
}

Awaitable<std::string> update_task(const ToolCall& call) {
    const auto id = uuid_argument(call.arguments, "task_id");
    auto patch = json::parse_task_patch(body_without(call.arguments, "task_id"));
    const auto task = co_await call.services.update_task(call.user, id, std::move(patch.value),
                                                         std::move(patch.problems));
    co_return item_result(task);
}

Awaitable<std::string> complete_task(const ToolCall& call) {
    const auto id = uuid_argument(call.arguments, "task_id");
    // An agent asks for a state; it never toggles (a retried toggle would undo itself).
    bool completed = true;
    if (const auto* value = call.arguments.if_contains("completed")) completed = value->as_bool();
    co_return item_result(co_await call.services.set_completed(call.user, id, completed));
}

Awaitable<std::string> delete_task(const ToolCall& call) {
    const auto id = uuid_argument(call.arguments, "task_id");
    co_await call.services.remove_task(call.user, id);
    co_return deleted_result(id);
}

Awaitable<std::string> create_conversation(const ToolCall& call) {
    auto input = json::parse_new_conversation(bj::value(call.arguments));
    const auto c = co_await call.services.create_conversation(
        call.user, std::move(input.value.title), std::move(input.problems));
    co_return item_result(c);
}

Awaitable<std::string> list_conversations(const ToolCall& call) {
    const auto page = parse_conversation_page(query_of(call.arguments));
    const auto items = co_await call.services.list_conversations(call.user, page);
    co_return page_result("conversations", items, page.limit, page.offset,
                          next_conversation_cursor(items));
}

Awaitable<std::string> add_message(const ToolCall& call) {
    const auto id = uuid_argument(call.arguments, "conversation_id");
    auto input = json::parse_new_message(body_without(call.arguments, "conversation_id"));
    const auto m = co_await call.services.add_message(
        call.user, id, input.value.role, std::move(input.value.content), std::move(input.problems));
    co_return item_result(m);
}

Awaitable<std::string> list_messages(const ToolCall& call) {
    const auto id = uuid_argument(call.arguments, "conversation_id");
    bj::object rest = body_without(call.arguments, "conversation_id").as_object();
    const auto page = parse_message_page(query_of(rest), id);
    const auto items = co_await call.services.list_messages(call.user, id, page);
    co_return page_result("messages", items, page.limit, page.offset,
                          next_message_cursor(id, items));
}

Awaitable<std::string> delete_conversation(const ToolCall& call) {
    const auto id = uuid_argument(call.arguments, "conversation_id");
    co_await call.services.remove_conversation(call.user, id);
    co_return deleted_result(id);
}

// JSON Schemas of the results (2020-12 and draft-07 alike: no $ref, no $defs).
constexpr std::string_view kTaskSchema = R"json({"type": "object",
  "required": ["id", "user_id", "title", "description", "completed", "status", "priority", "due_date", "tags", "completed_at", "created_at", "updated_at"],
  "properties": {"id": {"type": "string", "format": "uuid"}, "user_id": {"type": "string"}, "title": {"type": "string"},
    "description": {"type": ["string", "null"]}, "completed": {"type": "boolean"}, "status": {"type": "string", "enum": ["pending", "completed"]},
    "priority": {"type": "string", "enum": ["low", "medium", "high"]}, "due_date": {"type": ["string", "null"], "format": "date-time"},
    "tags": {"type": "array", "items": {"type": "string"}}, "completed_at": {"type": ["string", "null"], "format": "date-time"},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"}}})json";
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
constexpr std::string_view kTaskFields =
    R"json("title": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": {"type": ["string", "null"], "maxLength": 1000},
    "priority": {"type": "string", "enum": ["low", "medium", "high"]},
    "due_date": {"type": ["string", "null"], "format": "date-time", "description": "RFC 3339 with a time zone, e.g. 2026-12-24T18:00:00Z"},
    "tags": {"type": "array", "maxItems": 10, "uniqueItems": true, "items": {"type": "string", "minLength": 1, "maxLength": 32}})json";
constexpr std::string_view kTaskId = R"json("task_id": {"type": "string", "format": "uuid"})json";
constexpr std::string_view kConversationId =
    R"json("conversation_id": {"type": "string", "format": "uuid"})json";

// limit, offset and cursor as the list routes take them.
std::string page_fields(int default_limit) {
    return R"json("limit": {"type": "integer", "minimum": 1, "maximum": )json" +
           std::to_string(kMaxPageLimit) + R"json(, "default": )json" +
           std::to_string(default_limit) +
           R"json(}, "offset": {"type": "integer", "minimum": 0, "default": 0}, "cursor": {"type": "string", "description": "next_cursor of the previous result: continues the same list (same filters and sort); not with offset"})json";
}

// A whole inputSchema: JSON Schema 2020-12, an object of exactly these properties.
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

}  // namespace

// NOLINTBEGIN(readability-function-size): a table, one entry per tool.
const std::vector<Tool>& tool_table() {
    static const std::vector<Tool> table{
        {"add_task", "Add a task",
         "Create a task for the signed-in user and return it (with its id, needed by the other "
         "task tools). title is required (1-200 characters, trimmed); description up to 1000 "
         "characters or null; priority is low, medium (default) or high; due_date is an RFC 3339 "
         "date-time with a time zone, e.g. 2026-12-24T18:00:00Z, or null; tags: up to 10 "
         "distinct strings of 1-32 characters.",
         object_schema(R"("title")", std::string(kTaskFields)), Output::task, false, false, false,
         add_task},
        {"list_tasks", "List tasks",
         "List the signed-in user's tasks, newest first by default, with the total matching "
         "count. Filters: status all (default), pending or completed; priority low, medium or "
         "high; tag (exact tag); q (case-insensitive substring of title or description). sort: "
         "created_at, updated_at, due_date, title or priority, prefixed with - for descending "
         "(default -created_at). limit 1-200 (default 50), offset >= 0 (default 0); for the next "
         "page pass the result's next_cursor as cursor (it keeps the filters and sort).",
         object_schema(
             "",
             R"json("status": {"type": "string", "enum": ["all", "pending", "completed"], "default": "all"},
    "priority": {"type": "string", "enum": ["low", "medium", "high"]},
    "tag": {"type": "string"}, "q": {"type": "string", "description": "Case-insensitive substring of title or description"},
    "sort": {"type": "string", "default": "-created_at", "enum": ["created_at", "-created_at", "updated_at", "-updated_at", "due_date", "-due_date", "title", "-title", "priority", "-priority"]}, )json" +
                 page_fields(kTaskPageDefault)),
         Output::task_page, true, false, true, list_tasks},
        {"get_task", "Get a task",
         "Return one of the signed-in user's tasks by its id (a UUID from add_task or "
         "list_tasks).",
         object_schema(R"("task_id")", std::string(kTaskId)), Output::task, true, false, true,
         get_task},
        {"update_task", "Update a task",
         "Change some fields of a task and return it; fields left out stay as they are. title "
         "1-200 characters; description up to 1000 characters or null to clear; priority low, "
         "medium or high; due_date RFC 3339 with a time zone or null to clear; tags replaces the "
         "whole list (up to 10 distinct strings of 1-32 characters); completed true or false.",
         object_schema(R"("task_id")",
                       join({kTaskId, kTaskFields, R"json("completed": {"type": "boolean"})json"})),
         Output::task, false, true, true, update_task},
        {"complete_task", "Mark a task done or not done",
         "Set a task's completion state and return the task: completed true (the default) marks "
         "it done, false marks it pending again. Asking twice for the same state changes nothing.",
         object_schema(
             R"("task_id")",
             join({kTaskId, R"json("completed": {"type": "boolean", "default": true})json"})),
         Output::task, false, false, true, complete_task},
        {"delete_task", "Delete a task",
         "Delete one of the signed-in user's tasks for good; returns {id, deleted: true}. "
         "Deleting it again reports that the task is not found.",
         object_schema(R"("task_id")", std::string(kTaskId)), Output::deleted, false, true, true,
         delete_task},
        {"create_conversation", "Start a conversation",
         "Create a chat conversation for the signed-in user and return it (its id is needed by "
         "add_message and list_messages). title is optional: up to 200 characters, or null.",
         object_schema("", R"json("title": {"type": ["string", "null"], "maxLength": 200})json"),
         Output::conversation, false, false, false, create_conversation},
        {"list_conversations", "List conversations",
         "List the signed-in user's conversations, most recently updated first, with the total "
         "count. limit 1-200 (default 50), offset >= 0 (default 0).",
         object_schema("", page_fields(kConversationPageDefault)), Output::conversation_page, true,
         false, true, list_conversations},
        {"add_message", "Add a message to a conversation",
         "Append a message to one of the signed-in user's conversations and return it. role is "
         "user, assistant, system or tool; content is 1-32000 characters.",
         object_schema(
             R"("conversation_id", "role", "content")",
             join(
                 {kConversationId,
                  R"json("role": {"type": "string", "enum": ["user", "assistant", "system", "tool"]},
    "content": {"type": "string", "minLength": 1, "maxLength": 32000})json"})),
         Output::message, false, false, false, add_message},
        {"list_messages", "List a conversation's messages",
         "List the messages of one of the signed-in user's conversations, oldest first, with the "
         "total count. limit 1-200 (default 100), offset >= 0 (default 0).",
         object_schema(R"("conversation_id")",
                       std::string(kConversationId) + ", " + page_fields(kMessagePageDefault)),
         Output::message_page, true, false, true, list_messages},
        {"delete_conversation", "Delete a conversation",
         "Delete one of the signed-in user's conversations and all its messages for good; "
         "returns {id, deleted: true}.",
         object_schema(R"("conversation_id")", std::string(kConversationId)), Output::deleted,
         false, true, true, delete_conversation},
    };
    return table;
}
// NOLINTEND(readability-function-size)

const Tool* find_tool(std::string_view name) {
    const auto& table = tool_table();
    const auto it =
        std::find_if(table.begin(), table.end(), [&](const Tool& t) { return t.name == name; });
    return it == table.end() ? nullptr : &*it;
}

std::size_t tool_index(const Tool& tool) {
    return static_cast<std::size_t>(&tool - tool_table().data());
}

const boost::json::object& input_schema_of(const Tool& tool) {
    static const std::vector<bj::object> schemas = [] {
        std::vector<bj::object> out;
        for (const auto& t : tool_table()) out.push_back(bj::parse(t.input_schema).as_object());
        return out;
    }();
    return schemas[tool_index(tool)];
}

const boost::json::array& tool_list() {
    static const bj::array tools = [] {
        bj::array out;
        for (const auto& t : tool_table()) {
            out.push_back(bj::object{{"name", t.name},
                                     {"title", t.title},
                                     {"description", t.description},
                                     {"inputSchema", input_schema_of(t)},
                                     {"outputSchema", output_schema(t.output)},
                                     {"annotations", bj::object{{"title", t.title},
                                                                {"readOnlyHint", t.read_only},
                                                                {"destructiveHint", t.destructive},
                                                                {"idempotentHint", t.idempotent},
                                                                {"openWorldHint", false}}}});
        }
        return out;
    }();
    return tools;
}

}  // namespace taskcore::server::mcp
