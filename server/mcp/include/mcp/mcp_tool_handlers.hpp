// The tool handlers. Each turns its arguments into exactly what the REST route would decode (a
// body object or query parameters) and calls the same service, so the rules, defaults and
// results are the REST API's own. Reads await the services; writes are functions of the
// repositories they write through, run by the tool runner (mcp_write_safety.hpp).
#pragma once

#include <string>

#include "mcp/mcp_tools.hpp"

namespace taskcore::server::mcp::tools {

Awaitable<std::string> list_tasks(const ToolCall& call);
Awaitable<std::string> get_task(const ToolCall& call);
Awaitable<std::string> list_conversations(const ToolCall& call);
Awaitable<std::string> list_messages(const ToolCall& call);

std::string add_task(const ToolCall& call, UnitOfWork& unit);
std::string update_task(const ToolCall& call, UnitOfWork& unit);
std::string complete_task(const ToolCall& call, UnitOfWork& unit);
std::string delete_task(const ToolCall& call, UnitOfWork& unit);
std::string create_conversation(const ToolCall& call, UnitOfWork& unit);
std::string add_message(const ToolCall& call, UnitOfWork& unit);
std::string delete_conversation(const ToolCall& call, UnitOfWork& unit);

// A task as tool output: the REST item plus its `etag` (the ETag REST sends).
std::string task_result(const Task& task);

}  // namespace taskcore::server::mcp::tools
