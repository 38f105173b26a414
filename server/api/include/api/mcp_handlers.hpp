// Handlers of the MCP endpoint: POST /mcp (Origin check, bearer token, then the JSON-RPC
// exchange) and the RFC 9728 protected-resource metadata that names its authorization server.
#pragma once

#include "api/request_context.hpp"

namespace taskcore::server::handlers {

Awaitable<Response> mcp(RequestContext& ctx);
Awaitable<Response> protected_resource_metadata(RequestContext& ctx);

}  // namespace taskcore::server::handlers
