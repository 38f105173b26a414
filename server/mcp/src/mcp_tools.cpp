// The tool table (what each tool is, for the model and for the runner) and its lookups; the
// handlers are in mcp_tool_handlers.cpp, the schemas in mcp_schemas.cpp.
#include "mcp/mcp_tools.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <utility>

#include "mcp/mcp_schemas.hpp"
#include "mcp/mcp_tool_handlers.hpp"
#include "taskcore/domain/validation.hpp"
#include "taskcore/service/idempotent_writes.hpp"
#include "taskcore/service/query_params.hpp"

namespace taskcore::server::mcp {
namespace {

namespace bj = boost::json;
namespace h = tools;

// What every write tool and every conditional tool adds to its description and inputSchema.
constexpr std::string_view kKeyedSentence =
    " Optional idempotency_key (1-{idempotency_key_max} printable characters, new for each "
    "intended change): a retry with the same key and the same arguments returns the first "
    "call's result without doing it again; the same key with other arguments is an error.";
constexpr std::string_view kConditionalSentence =
    " Optional if_match: the etag of the task as you last read it; if the task changed since, "
    "nothing is written and the result is an error that returns the task's current state.";

// The limits a description names, as "{name}" in its prose: each is the rule's own constant, so
// the text a model reads cannot drift from what the service enforces.
const std::vector<std::pair<std::string_view, std::size_t>>& description_limits() {
    static const std::vector<std::pair<std::string_view, std::size_t>> limits{
        {"{title_max}", rules::kTitleMax},
        {"{description_max}", rules::kDescriptionMax},
        {"{tags_max}", rules::kTagsMax},
        {"{tag_max}", rules::kTagMax},
        {"{content_max}", rules::kContentMax},
        {"{conversation_title_max}", rules::kConversationTitleMax},
        {"{idempotency_key_max}", kMaxIdempotencyKeyLength},
        {"{page_max}", static_cast<std::size_t>(kMaxPageLimit)},
        {"{task_page}", static_cast<std::size_t>(kTaskPageDefault)},
        {"{conversation_page}", static_cast<std::size_t>(kConversationPageDefault)},
        {"{message_page}", static_cast<std::size_t>(kMessagePageDefault)},
    };
    return limits;
}

std::string with_limits(std::string text) {
    for (const auto& [name, value] : description_limits()) {
        for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at))
            text.replace(at, name.size(), std::to_string(value));
    }
    return text;
}

}  // namespace

std::string description_of(const Tool& tool) {
    std::string out(tool.description);
    if (tool.keyed()) out += kKeyedSentence;
    if (tool.conditional) out += kConditionalSentence;
    return with_limits(std::move(out));
}

// NOLINTBEGIN(readability-function-size): a table, one entry per tool.
const std::vector<Tool>& tool_table() {
    static const std::vector<Tool> table{
        {"add_task", "Add a task",
         "Create a task for the signed-in user and return it (with its id, needed by the other "
         "task tools). title is required (1-{title_max} characters, trimmed); description up to "
         "{description_max} characters or null; priority is low, medium (default) or high; "
         "due_date is an RFC 3339 date-time with a time zone, e.g. 2026-12-24T18:00:00Z, or "
         "null; tags: up to {tags_max} distinct strings of 1-{tag_max} characters.",
         object_schema(R"("title")", task_fields()), Output::task, false, false, false, nullptr,
         h::add_task},
        {"list_tasks", "List tasks",
         "List the signed-in user's tasks, newest first by default, with the total matching "
         "count. Filters: status all (default), pending or completed; priority low, medium or "
         "high; tag (exact tag); q (case-insensitive substring of title or description). sort: "
         "created_at, updated_at, due_date, title or priority, prefixed with - for descending "
         "(default -created_at). limit 1-{page_max} (default {task_page}), offset >= 0 "
         "(default 0); for the next page pass the result's next_cursor as cursor (it keeps the "
         "filters and sort).",
         object_schema(
             "",
             R"json("status": {"type": "string", "enum": ["all", "pending", "completed"], "default": "all"},
    "priority": {"type": "string", "enum": ["low", "medium", "high"]},
    "tag": {"type": "string"}, "q": {"type": "string", "description": "Case-insensitive substring of title or description"},
    "sort": {"type": "string", "default": "-created_at", "enum": ["created_at", "-created_at", "updated_at", "-updated_at", "due_date", "-due_date", "title", "-title", "priority", "-priority"]}, )json" +
                 page_fields(kTaskPageDefault)),
         Output::task_page, true, false, true, h::list_tasks},
        {"get_task", "Get a task",
         "Return one of the signed-in user's tasks by its id (a UUID from add_task or "
         "list_tasks).",
         object_schema(R"("task_id")", std::string(kTaskId)), Output::task, true, false, true,
         h::get_task},
        {"update_task", "Update a task",
         "Change some fields of a task and return it; fields left out stay as they are. title "
         "1-{title_max} characters; description up to {description_max} characters or null to "
         "clear; priority low, "
         "medium or high; due_date RFC 3339 with a time zone or null to clear; tags replaces the "
         "whole list (up to {tags_max} distinct strings of 1-{tag_max} characters); completed true "
         "or false.",
         object_schema(R"("task_id")", join({kTaskId, task_fields(),
                                             R"json("completed": {"type": "boolean"})json"})),
         Output::task, false, true, true, nullptr, h::update_task, true},
        {"complete_task", "Mark a task done or not done",
         "Set a task's completion state and return the task: completed true (the default) marks "
         "it done, false marks it pending again. Asking twice for the same state changes nothing.",
         object_schema(
             R"("task_id")",
             join({kTaskId, R"json("completed": {"type": "boolean", "default": true})json"})),
         Output::task, false, false, true, nullptr, h::complete_task, true},
        {"delete_task", "Delete a task",
         "Delete one of the signed-in user's tasks for good; returns {id, deleted: true}. "
         "Deleting it again reports that the task is not found.",
         object_schema(R"("task_id")", std::string(kTaskId)), Output::deleted, false, true, true,
         nullptr, h::delete_task, true},
        {"create_conversation", "Start a conversation",
         "Create a chat conversation for the signed-in user and return it (its id is needed by "
         "add_message and list_messages). title is optional: up to {conversation_title_max} "
         "characters, or "
         "null.",
         object_schema("", conversation_fields()), Output::conversation, false, false, false,
         nullptr, h::create_conversation},
        {"list_conversations", "List conversations",
         "List the signed-in user's conversations, most recently updated first, with the total "
         "count. limit 1-{page_max} (default {conversation_page}), offset >= 0 (default 0).",
         object_schema("", page_fields(kConversationPageDefault)), Output::conversation_page, true,
         false, true, h::list_conversations},
        {"add_message", "Add a message to a conversation",
         "Append a message to one of the signed-in user's conversations and return it. role is "
         "user, assistant, system or tool; content is 1-{content_max} characters.",
         object_schema(R"("conversation_id", "role", "content")",
                       join({kConversationId, message_fields()})),
         Output::message, false, false, false, nullptr, h::add_message},
        {"list_messages", "List a conversation's messages",
         "List the messages of one of the signed-in user's conversations, oldest first, with the "
         "total count. limit 1-{page_max} (default {message_page}), offset >= 0 (default 0).",
         object_schema(R"("conversation_id")",
                       std::string(kConversationId) + ", " + page_fields(kMessagePageDefault)),
         Output::message_page, true, false, true, h::list_messages},
        {"delete_conversation", "Delete a conversation",
         "Delete one of the signed-in user's conversations and all its messages for good; "
         "returns {id, deleted: true}.",
         object_schema(R"("conversation_id")", std::string(kConversationId)), Output::deleted,
         false, true, true, nullptr, h::delete_conversation},
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
        for (const auto& t : tool_table()) {
            auto schema = bj::parse(t.input_schema).as_object();
            auto& properties = schema["properties"].as_object();
            if (t.keyed()) {
                properties["idempotency_key"] = {
                    {"type", "string"},
                    {"minLength", 1},
                    {"maxLength", kMaxIdempotencyKeyLength},
                    {"description", "Makes a retry of this call safe (see the description)"}};
            }
            if (t.conditional) {
                properties["if_match"] = {
                    {"type", "string"},
                    {"description", "The etag of the task as last read: write only if unchanged"}};
            }
            out.push_back(std::move(schema));
        }
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
                                     {"description", description_of(t)},
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
