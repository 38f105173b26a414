// tools/call: the named tool found, its arguments checked against its inputSchema, the tool
// run (mcp_write_safety.hpp), and what went wrong answered as the model can use it.
#pragma once

#include <string>

#include "mcp/mcp_message.hpp"
#include "mcp/mcp_protocol.hpp"

namespace taskcore::server::mcp {

// The result as JSON text; RpcError for a call that is not a valid tools/call.
Awaitable<std::string> call_tool(Exchange& ex, const Message& m);

}  // namespace taskcore::server::mcp
