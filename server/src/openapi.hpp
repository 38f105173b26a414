// The OpenAPI 3.1 description of the whole API, served at GET /openapi.json.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace taskcore::server {

// The document with paths under `api_prefix` (build once at start-up; it never changes).
// `mcp_path` nullopt: MCP is off and its routes are left out.
std::string build_openapi_document(std::string_view api_prefix,
                                   std::optional<std::string_view> mcp_path = "/mcp");

}  // namespace taskcore::server
