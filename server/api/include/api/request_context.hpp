// What a handler sees of one request: the match, the caller, the query, the body and the
// services. Handlers take it and return a response; they never touch sockets.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>

#include "api/route.hpp"
#include "events/event_hub.hpp"
#include "http/async_services.hpp"
#include "http/http_types.hpp"
#include "http/rate_limiter.hpp"
#include "mcp/mcp_protocol.hpp"
#include "ops/config.hpp"
#include "taskcore/auth/jwt_verifier.hpp"
#include "taskcore/domain/version.hpp"
#include "taskcore/service/query_params.hpp"

namespace taskcore::server {

class Metrics;

// What the handlers share for the server's lifetime.
struct ApiResources {
    const Config& config;
    AsyncServices& services;
    const JwtVerifier& verifier;
    RateLimiter* limiter;    // null: RATE_LIMIT_PER_MINUTE=0
    const Metrics* metrics;  // null: GET /metrics answers 404
    EventHub* events;        // the open event streams of this instance
    std::string openapi;     // the document served at /openapi.json, built once
};

struct RequestContext {
    const Request& request;
    const RouteMatch& match;
    ApiResources& resources;
    std::string request_id;
    std::string user;  // the authenticated user (Access::path_user routes)
    std::chrono::system_clock::time_point token_expires_at{};  // that user's token's exp
    QueryParams query;  // decoded query parameters (Access::path_user routes)
    std::vector<mcp::ToolCallRecord> tool_calls;  // what an MCP request called, for log and metrics
    std::string client_address;           // the peer's IP address (rate limits of refused tokens)
    std::optional<RateDecision> rate;     // the rate-limit state reported in the response headers
    std::shared_ptr<StreamStart> stream;  // set by the events handler: the response is a stream
    Precondition expected;  // If-Match of a conditional operation (the dispatcher reads it)

    // Takes one request from `key`'s rate limit (when limits are on); throws ApiError
    // (429 RATE_LIMITED, Retry-After) when it is used up.
    void charge(std::string_view key);

    AsyncServices& services() const { return resources.services; }
    // The {id} path segment as a UUID; ValidationError on field "id" otherwise.
    [[nodiscard]] Uuid id() const;
    // The body as JSON; nullopt when there is none. `required` turns a missing body into a 422
    // on "body"; a present body must be declared application/json (UTF-8) or it is a 415.
    [[nodiscard]] std::optional<boost::json::value> body(bool required) const;
    [[nodiscard]] bool has_body() const { return !request.body().empty(); }
    // 415 unless the body is declared application/json (UTF-8 when a charset is given).
    void require_json_content_type() const;
    // "/api/<percent-encoded user>": the base of Location headers.
    [[nodiscard]] std::string user_path() const;
};

}  // namespace taskcore::server
