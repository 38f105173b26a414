// The OpenAPI 3.1 description of the whole API, served at GET /openapi.json.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace taskcore::server {

// The document with paths under `api_prefix` (build once at start-up; it never changes).
// `mcp_path` nullopt: MCP is off and its routes are left out.
// `public_url` (PUBLIC_URL) becomes the document's server; without it the server is "/" (the
// host the document was fetched from).
std::string build_openapi_document(std::string_view api_prefix,
                                   std::optional<std::string_view> mcp_path = "/mcp",
                                   std::optional<std::string_view> public_url = std::nullopt);

}  // namespace taskcore::server
