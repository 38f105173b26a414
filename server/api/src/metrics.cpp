// Metric recording and Prometheus rendering.
#include "api/metrics.hpp"

#include <algorithm>
#include <cstdio>

#include "mcp/mcp_tools.hpp"
#include "ops/process_metrics.hpp"
#include "taskcore/version.hpp"

namespace taskcore::server {
namespace {

using boost::beast::http::verb;

std::size_t method_index(verb method) {
    switch (method) {
        case verb::get:
            return 0;
        case verb::post:
            return 1;
        case verb::put:
            return 2;
        case verb::patch:
            return 3;
        case verb::delete_:
            return 4;
        case verb::options:
            return 5;
        default:
            return 6;
    }
}

template <typename Array, typename T>
std::size_t index_of(const Array& values, const T& value) {
    const auto it = std::find(values.begin(), values.end(), value);
    return it == values.end() ? values.size() - 1 : static_cast<std::size_t>(it - values.begin());
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace

Metrics::Metrics(std::vector<std::string> route_templates)
    : routes_(std::move(route_templates)),
      requests_(routes_.size()),
      latency_(routes_.size()),
      tool_calls_(mcp::tool_table().size() + 1) {}

void Metrics::tool_called(const mcp::ToolCallRecord& call) {
    const auto tool = std::min(call.tool, tool_calls_.size() - 1);
    tool_calls_[tool][static_cast<std::size_t>(call.outcome)].fetch_add(1,
                                                                        std::memory_order_relaxed);
}

void Metrics::request_finished(std::size_t route, verb method, unsigned status,
                               std::chrono::microseconds took, std::optional<ErrorCode> error) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    route = std::min(route, routes_.size() - 1);
    requests_[route][method_index(method)][index_of(kStatuses, status)].fetch_add(
        1, std::memory_order_relaxed);
    auto& lat = latency_[route];
    const double seconds = static_cast<double>(took.count()) / 1e6;
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin());
    lat.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    lat.sum_micros.fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
    lat.count.fetch_add(1, std::memory_order_relaxed);
    if (error) errors_[static_cast<std::size_t>(*error)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::render_tool_calls(std::string& out) const {
    out += "# HELP taskcore_mcp_tool_calls_total MCP tools/call requests by tool and outcome.\n";
    out += "# TYPE taskcore_mcp_tool_calls_total counter\n";
    for (std::size_t t = 0; t < tool_calls_.size(); ++t) {
        const std::string tool =
            t < mcp::tool_table().size() ? std::string(mcp::tool_table()[t].name) : "unknown";
        for (std::size_t o = 0; o < mcp::kToolOutcomes.size(); ++o) {
            out += "taskcore_mcp_tool_calls_total{tool=\"" + tool + "\",outcome=\"" +
                   std::string(mcp::kToolOutcomes[o]) + "\"} " +
                   std::to_string(tool_calls_[t][o].load()) + "\n";
        }
    }
}

void Metrics::render_http(std::string& out) const {
    out +=
        "# HELP taskcore_http_requests_total HTTP requests by route template, method and status.\n";
    out += "# TYPE taskcore_http_requests_total counter\n";
    for (std::size_t r = 0; r < routes_.size(); ++r) {
        for (std::size_t m = 0; m < kMethods.size(); ++m) {
            for (std::size_t s = 0; s < kStatuses.size(); ++s) {
                const auto n = requests_[r][m][s].load(std::memory_order_relaxed);
                if (n == 0) continue;
                out += "taskcore_http_requests_total{route=\"" + routes_[r] + "\",method=\"" +
                       kMethods[m] + "\",status=\"" +
                       (kStatuses[s] == 0 ? std::string("other") : std::to_string(kStatuses[s])) +
                       "\"} " + std::to_string(n) + "\n";
            }
        }
    }
    out +=
        "# HELP taskcore_http_request_duration_seconds Time from a complete request header to "
        "the response being written.\n";
    out += "# TYPE taskcore_http_request_duration_seconds histogram\n";
    for (std::size_t r = 0; r < routes_.size(); ++r) {
        const auto& lat = latency_[r];
        const auto count = lat.count.load(std::memory_order_relaxed);
        if (count == 0) continue;
        const std::string label = "route=\"" + routes_[r] + "\"";
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
            cumulative += lat.buckets[b].load(std::memory_order_relaxed);
            const std::string le = b == kBuckets.size() ? "+Inf" : number(kBuckets[b]);
            out += "taskcore_http_request_duration_seconds_bucket{";
            out += label;
            out += ",le=\"" + le + "\"} ";
            out += std::to_string(cumulative) + "\n";
        }
        out += "taskcore_http_request_duration_seconds_sum{" + label + "} " +
               number(static_cast<double>(lat.sum_micros.load()) / 1e6) + "\n";
        out += "taskcore_http_request_duration_seconds_count{" + label + "} " +
               std::to_string(count) + "\n";
    }
}

std::string Metrics::render(const Store::PoolStats& pool, std::string_view backend,
                            const PipelineGauges& pipeline, const EventGauges& events) const {
    std::string out;
    out.reserve(8192);
    render_http(out);
    out += "# HELP taskcore_http_requests_in_flight Requests read but not yet answered.\n";
    out += "# TYPE taskcore_http_requests_in_flight gauge\n";
    out += "taskcore_http_requests_in_flight " + std::to_string(in_flight_.load()) + "\n";
    out += "# HELP taskcore_accept_failures_total Failed accepts (e.g. out of file descriptors).\n";
    out += "# TYPE taskcore_accept_failures_total counter\n";
    out += "taskcore_accept_failures_total " + std::to_string(accept_failures_.load()) + "\n";
    out += "# HELP taskcore_http_errors_total Error responses by error code.\n";
    out += "# TYPE taskcore_http_errors_total counter\n";
    for (const auto& e : kErrorCatalogue) {
        out += "taskcore_http_errors_total{code=\"" + std::string(e.name) + "\"} " +
               std::to_string(errors_[static_cast<std::size_t>(e.code)].load()) + "\n";
    }
    render_tool_calls(out);
    const std::string db = "{backend=\"" + std::string(backend) + "\"} ";
    // One labelled series with its HELP and TYPE lines.
    const auto series = [&](std::string_view type, std::string_view name, std::string_view help,
                            std::uint64_t value) {
        out += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
        out += "# TYPE " + std::string(name) + " " + std::string(type) + "\n";
        out += std::string(name) + db + std::to_string(value) + "\n";
    };
    const auto gauge = [&](std::string_view name, std::string_view help, std::uint64_t value) {
        series("gauge", name, help, value);
    };
    const auto count = [](int n) { return static_cast<std::size_t>(n < 0 ? 0 : n); };
    gauge("taskcore_db_pool_connections", "Open database connections.", count(pool.open));
    gauge("taskcore_db_pool_capacity", "Most connections the pool may open.", count(pool.capacity));
    gauge("taskcore_db_pool_in_use", "Connections checked out for a unit of work.",
          count(pool.in_use));
    gauge("taskcore_db_pool_waiters", "Callers waiting for a connection.", count(pool.waiters));
    gauge("taskcore_db_pipelines", "PostgreSQL pipelined connections (one per I/O thread).",
          pipeline.pipelines);
    gauge("taskcore_db_pipeline_queued", "Reads waiting to enter a pipeline.", pipeline.queued);
    gauge("taskcore_db_pipeline_depth", "Reads sent whose answer has not arrived yet.",
          pipeline.in_flight);
    gauge("taskcore_event_streams", "Open event streams (GET /events) on this instance.",
          events.streams);
    if (events.listening) {
        gauge("taskcore_change_listener_up", "1 while the LISTEN connection is up.",
              events.listener_connected ? 1 : 0);
        series("counter", "taskcore_change_notifications_total",
               "Change-log wake-ups received by LISTEN.", events.notifications);
        series("counter", "taskcore_change_listener_connects_total",
               "LISTEN connections opened (the first one included).", events.listener_connects);
        series("counter", "taskcore_change_announcements_total",
               "NOTIFY statements announcing this instance's writes (several users each).",
               events.announcements);
    }
    out += "# HELP taskcore_build_info The running build: version and storage backend.\n";
    out += "# TYPE taskcore_build_info gauge\n";
    out += "taskcore_build_info{version=\"" + std::string(kVersion) + "\",backend=\"" +
           std::string(backend) + "\"} 1\n";
    append_process_metrics(out);
    return out;
}

}  // namespace taskcore::server
