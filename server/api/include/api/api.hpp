// The HTTP API as a coroutine of a request: match once, authenticate, run the route's handler,
// map errors through the catalogue, add the common headers. No sockets here.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string_view>

#include "api/request_context.hpp"
#include "api/route_matcher.hpp"
#include "api/route_table.hpp"
#include "http/async_services.hpp"
#include "http/error_catalogue.hpp"
#include "http/error_mapping.hpp"
#include "http/http_types.hpp"
#include "http/rate_limiter.hpp"
#include "http/response_headers.hpp"
#include "ops/config.hpp"
#include "taskcore/auth/jwt_verifier.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::server {

class Metrics;

// A finished response and what the metrics record of it.
struct Reply {
    Response response;
    std::size_t route = 0;           // index into route_table(); its size when unmatched
    std::optional<ErrorCode> error;  // set for every error response
    std::vector<mcp::ToolCallRecord> tool_calls;  // MCP tools/call outcomes
    std::string user;                             // the token's user, once authenticated
    std::shared_ptr<StreamStart> stream;          // the response header opens an event stream
};

class Api {
  public:
    // `blocking`: the executor database work runs on (never an I/O thread). `metrics`
    // (optional) is served at GET /metrics.
    Api(const Config& config, Store& store, const JwtVerifier& verifier,
        boost::asio::any_io_executor blocking, const Metrics* metrics = nullptr);

    // Never throws. Runs on the caller's executor; database work is awaited, not waited for.
    // `client_address`: the peer's IP, which refused tokens are rate-limited by.
    [[nodiscard]] boost::asio::awaitable<Reply> handle(const Request& request,
                                                       std::string client_address = {}) const;

    // For failures detected before a request is complete (431, 413, malformed HTTP): an error
    // response carrying whatever of the request's headers were parsed (CORS, request id).
    [[nodiscard]] Reply reject(const Request& partial, ErrorCode code,
                               std::string_view message) const;

    [[nodiscard]] const RouteMatcher& routes() const { return matcher_; }
    // The Prometheus document (for the METRICS_PORT listener); empty without metrics.
    [[nodiscard]] std::string metrics_document() const;

    // Reads of requests handled on `context` go to `reads` (see AsyncServices).
    void add_pipelined_reads(boost::asio::execution_context& context,
                             std::unique_ptr<PipelinedReads> reads) {
        services_.add_pipelined_reads(context, std::move(reads));
    }
    [[nodiscard]] std::size_t pipelines() const { return services_.pipelines(); }
    // The event streams of this instance (the network layer runs them; shutdown ends them).
    [[nodiscard]] EventHub& events() const { return *events_; }
    [[nodiscard]] AsyncServices& services() const { return services_; }

  private:
    [[nodiscard]] boost::asio::awaitable<Response> dispatch(RequestContext& ctx) const;
    void add_rate_limit_headers(Response& res, const RateDecision& rate) const;
    void refused_token(RequestContext& ctx, Reply& reply) const;
    // The error envelope of `failure`, its headers, and what a refused token costs.
    void answer_failure(const Failure& failure, RequestContext& ctx, Reply& reply) const;

    const JwtVerifier& verifier_;
    std::unique_ptr<RateLimiter> limiter_;  // null when rate limits are off
    mutable AsyncServices services_;
    std::shared_ptr<EventHub> events_;
    RouteMatcher matcher_;
    ResponseHeaders headers_;
    mutable ApiResources resources_;
};

}  // namespace taskcore::server
