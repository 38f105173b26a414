// The tool handlers: arguments decoded as the REST routes decode them, the same services.
#include "mcp/mcp_tool_handlers.hpp"

#include <boost/json.hpp>

#include <optional>

#include "http/etag.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/json/codec.hpp"
#include "taskcore/json/requests.hpp"
#include "taskcore/service/conversation_service.hpp"
#include "taskcore/service/list_cursor.hpp"
#include "taskcore/service/query_params.hpp"
#include "taskcore/service/task_service.hpp"

namespace taskcore::server::mcp::tools {
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

void append_item(std::string& out, const Task& task) {
    json::append_json(out, task);
    out.pop_back();  // the closing brace: the etag goes in
    // strong_etag() as a JSON string: its quotes escaped, nothing else to escape ("v" and
    // digits), so it is written straight in (a list of 200 tasks writes 200 of them).
    const auto tag = strong_etag(version_of(task));
    out += R"(,"etag":"\")";
    out.append(tag, 1, tag.size() - 2);
    out += R"(\""})";
}

template <typename T>
void append_item(std::string& out, const T& item) {
    json::append_json(out, item);
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
        append_item(out, page.items[i]);
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
    append_item(out, item);
    return out;
}

std::string deleted_result(const Uuid& id) {
    return R"({"id":")" + id.to_string() + R"(","deleted":true})";
}

}  // namespace

std::string task_result(const Task& task) {
    return item_result(task);
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

Awaitable<std::string> list_conversations(const ToolCall& call) {
    const auto page = parse_conversation_page(query_of(call.arguments));
    const auto items = co_await call.services.list_conversations(call.user, page);
    co_return page_result("conversations", items, page.limit, page.offset,
                          next_conversation_cursor(items));
}

Awaitable<std::string> list_messages(const ToolCall& call) {
    const auto id = uuid_argument(call.arguments, "conversation_id");
    bj::object rest = body_without(call.arguments, "conversation_id").as_object();
    const auto page = parse_message_page(query_of(rest), id);
    const auto items = co_await call.services.list_messages(call.user, id, page);
    co_return page_result("messages", items, page.limit, page.offset,
                          next_message_cursor(id, items));
}

std::string add_task(const ToolCall& call, UnitOfWork& unit) {
    auto input = json::parse_new_task(bj::value(call.arguments));
    return item_result(TaskService(unit.tasks)
                           .create(call.user, std::move(input.value), std::move(input.problems)));
}

std::string update_task(const ToolCall& call, UnitOfWork& unit) {
    const auto id = uuid_argument(call.arguments, "task_id");
    auto patch = json::parse_task_patch(body_without(call.arguments, "task_id"));
    return item_result(TaskService(unit.tasks)
                           .update(call.user, id, std::move(patch.value), std::move(patch.problems),
                                   call.expected));
}

std::string complete_task(const ToolCall& call, UnitOfWork& unit) {
    const auto id = uuid_argument(call.arguments, "task_id");
    // An agent asks for a state; it never toggles (a retried toggle would undo itself).
    bool completed = true;
    if (const auto* value = call.arguments.if_contains("completed")) completed = value->as_bool();
    return item_result(
        TaskService(unit.tasks).set_completed(call.user, id, completed, call.expected));
}

std::string delete_task(const ToolCall& call, UnitOfWork& unit) {
    const auto id = uuid_argument(call.arguments, "task_id");
    TaskService(unit.tasks).remove(call.user, id, call.expected);
    return deleted_result(id);
}

std::string create_conversation(const ToolCall& call, UnitOfWork& unit) {
    auto input = json::parse_new_conversation(bj::value(call.arguments));
    return item_result(
        ConversationService(unit.conversations)
            .create(call.user, std::move(input.value.title), std::move(input.problems)));
}

std::string add_message(const ToolCall& call, UnitOfWork& unit) {
    const auto id = uuid_argument(call.arguments, "conversation_id");
    auto input = json::parse_new_message(body_without(call.arguments, "conversation_id"));
    return item_result(ConversationService(unit.conversations)
                           .add_message(call.user, id, input.value.role,
                                        std::move(input.value.content), std::move(input.problems)));
}

std::string delete_conversation(const ToolCall& call, UnitOfWork& unit) {
    const auto id = uuid_argument(call.arguments, "conversation_id");
    ConversationService(unit.conversations).remove(call.user, id);
    return deleted_result(id);
}

}  // namespace taskcore::server::mcp::tools
