// Handlers of the unauthenticated system routes: /health, /openapi.json, /metrics.
#pragma once

#include "api/request_context.hpp"

namespace taskcore::server::handlers {

// SELECT 1 within 1 s: 200 healthy, else 503 unhealthy with Retry-After (not enveloped).
Awaitable<Response> health(RequestContext& ctx);
Awaitable<Response> openapi(RequestContext& ctx);
// Prometheus text format; 404 when the server runs without metrics, or serves them on their own
// listener (METRICS_PORT).
Awaitable<Response> metrics(RequestContext& ctx);

// The metrics document (empty without metrics), for either listener.
std::string metrics_document(const ApiResources& resources);

}  // namespace taskcore::server::handlers
