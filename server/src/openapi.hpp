// The OpenAPI 3.1 description of the whole API, served at GET /openapi.json.
#pragma once

#include <string>
#include <string_view>

namespace taskcore::server {

// The document with paths under `api_prefix` (build once at start-up; it never changes).
std::string build_openapi_document(std::string_view api_prefix);

}  // namespace taskcore::server
