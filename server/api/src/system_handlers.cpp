// Health, the OpenAPI document and Prometheus metrics.
#include "api/system_handlers.hpp"

#include <boost/json.hpp>

#include <chrono>

#include "api/metrics.hpp"
#include "http/envelope.hpp"
#include "ops/logger.hpp"
#include "taskcore/version.hpp"

namespace taskcore::server::handlers {

// A database slower than this to answer SELECT 1 counts as down.
constexpr std::chrono::seconds kHealthDeadline{1};

// 200 "healthy"; 200 "degraded" with the Citus workers that do not answer (their users get 503s,
// everyone else is served: a balancer must keep the instance); 503 "unhealthy" when the database
// itself does not answer within kHealthDeadline.
Awaitable<Response> health(RequestContext& ctx) {
    const auto start = std::chrono::steady_clock::now();
    bool healthy = true;
    std::vector<std::string> unreachable;
    try {
        co_await ctx.services().ping();
        unreachable = co_await ctx.services().unreachable_nodes();
    } catch (const std::exception& e) {
        log::warning(std::string("health check failed: ") + e.what());
        healthy = false;
    }
    if (std::chrono::steady_clock::now() - start > kHealthDeadline) healthy = false;
    const char* status = !healthy ? "unhealthy" : unreachable.empty() ? "healthy" : "degraded";
    boost::json::object body{{"status", status},
                             {"database", healthy ? "connected" : "disconnected"},
                             {"backend", ctx.services().backend()},
                             {"version", kVersion}};
    if (healthy && !unreachable.empty()) {
        boost::json::array nodes(unreachable.begin(), unreachable.end());
        log::warning("health: database nodes not answering: " + boost::json::serialize(nodes));
        body["unreachable_nodes"] = std::move(nodes);
    }
    auto res =
        envelope::json_response(healthy ? http::status::ok : http::status::service_unavailable,
                                boost::json::serialize(body));
    if (!healthy) res.set(http::field::retry_after, "1");
    co_return res;
}

Awaitable<Response> openapi(RequestContext& ctx) {
    co_return envelope::json_response(http::status::ok, ctx.resources.openapi);
}

std::string metrics_document(const ApiResources& resources) {
    if (resources.metrics == nullptr) return {};
    const auto pipelines = resources.services.pipeline_stats();
    EventGauges events{resources.events->streams()};
    if (const auto* listener = resources.events->listener()) {
        const auto stats = listener->stats();
        events.listening = true;
        events.listener_connected = stats.connected;
        events.notifications = stats.notifications;
        events.listener_connects = stats.connects;
        events.announcements = stats.announcements;
    }
    return resources.metrics->render(
        resources.services.pool_stats(), resources.services.backend(),
        {resources.services.pipelines(), pipelines.queued, pipelines.in_flight}, events);
}

Awaitable<Response> metrics(RequestContext& ctx) {
    if (ctx.resources.metrics == nullptr || ctx.resources.config.metrics_port) {
        throw ApiError(ErrorCode::not_found, "no such route");
    }
    auto res = envelope::json_response(http::status::ok, metrics_document(ctx.resources));
    res.set(http::field::content_type, kMetricsContentType);
    co_return res;
}

}  // namespace taskcore::server::handlers
