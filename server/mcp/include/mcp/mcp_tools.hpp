// The MCP tools: one table entry per tool (name, description for an LLM, input schema, output
// shape, hints, handler or write). Handlers call the same services as the REST routes, for the
// token's user only; no tool takes a user id.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/async_services.hpp"
#include "taskcore/domain/version.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::server::mcp {

// What one tools/call sees: the user of the bearer token and the checked arguments.
struct ToolCall {
    AsyncServices& services;
    const std::string& user;
    const boost::json::object& arguments;  // without idempotency_key and if_match
    Precondition expected{};               // if_match of a conditional tool
};

// Both return the structuredContent as JSON text (written without a DOM, like REST bodies).
using ToolHandler = Awaitable<std::string> (*)(const ToolCall&);
// A write, as one function of the repositories it writes through (see mcp_write_safety.hpp).
using ToolWrite = std::string (*)(const ToolCall&, UnitOfWork&);

// The shape of a tool's structuredContent (its outputSchema is built from it).
enum class Output {
    task,
    task_page,
    conversation,
    conversation_page,
    message,
    message_page,
    deleted
};

struct Tool {
    std::string_view name;
    std::string_view title;
    std::string_view description;  // written for the model: what, formats, defaults, limits
    std::string input_schema;      // JSON Schema 2020-12 object (additionalProperties: false)
    Output output;
    bool read_only;
    bool destructive;
    bool idempotent;
    ToolHandler handler;        // a read; null for a write
    ToolWrite write = nullptr;  // a write: takes an optional idempotency_key
    bool conditional = false;   // takes an optional if_match (a task's etag)

    [[nodiscard]] bool keyed() const { return write != nullptr; }
};

const std::vector<Tool>& tool_table();

// The tool named `name`, or null.
const Tool* find_tool(std::string_view name);
// Index of `tool` in tool_table() (metrics label).
std::size_t tool_index(const Tool& tool);

// The `tools` array of tools/list, built once.
const boost::json::array& tool_list();

// A tool's description as tools/list sends it: the table's prose with its "{limit}" names
// replaced by the rule constants, plus the idempotency_key and if_match sentences it earns.
std::string description_of(const Tool& tool);

// The parsed inputSchema of a tool, built once (the argument check reads it).
const boost::json::object& input_schema_of(const Tool& tool);

}  // namespace taskcore::server::mcp
