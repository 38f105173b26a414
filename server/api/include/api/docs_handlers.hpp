// Handlers of the interactive API page: GET /docs (Swagger UI over /openapi.json, try-it-out with
// a bearer token) and its static files. DOCS_ENABLED=false turns them into 404s.
#pragma once

#include "api/request_context.hpp"

namespace taskcore::server::handlers {

Awaitable<Response> docs_page(RequestContext& ctx);
// The file named by the route's path (/docs/init.js, /docs/swagger-ui.css, ...).
Awaitable<Response> docs_asset(RequestContext& ctx);

}  // namespace taskcore::server::handlers
