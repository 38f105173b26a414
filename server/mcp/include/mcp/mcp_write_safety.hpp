// How tools/call runs a tool: reads through their handler; writes once per idempotency_key
// (inside the transaction that stores their result, like REST's Idempotency-Key) or with
// autocommit repositories; if_match as the precondition of a conditional write, a stale one
// answered with the task's current state and nothing written.
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "mcp/mcp_tools.hpp"

namespace taskcore::server::mcp {

struct ToolOutput {
    std::string text;       // the structuredContent as JSON text, or the isError message
    bool is_error = false;  // a tool error the model can act on
};

// `arguments` as checked against the tool's inputSchema. Library errors propagate (the
// caller maps them, error_mapping.hpp).
Awaitable<ToolOutput> run_tool(const Tool& tool, AsyncServices& services, const std::string& user,
                               const boost::json::object& arguments);

}  // namespace taskcore::server::mcp
