// Prometheus metrics: requests by route template, method and status, latency histograms,
// in-flight requests, errors by kind and database pool occupancy. Lock-free on the hot path.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/error_catalogue.hpp"
#include "mcp/mcp_protocol.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::server {

// Summed over the I/O threads' PostgreSQL pipelines (all zero without them).
struct PipelineGauges {
    std::size_t pipelines = 0;
    std::size_t queued = 0;
    std::size_t in_flight = 0;
};

// The event streams of this instance and its change listener (PostgreSQL only).
struct EventGauges {
    std::size_t streams = 0;
    bool listening = false;  // a change listener runs (the listener_* values mean something)
    bool listener_connected = false;
    std::uint64_t notifications = 0;
    std::uint64_t listener_connects = 0;
    std::uint64_t announcements = 0;
};

// The Prometheus text exposition format's media type.
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

class Metrics {
  public:
    // Route templates (never paths with ids or user ids); the last one is "unmatched".
    explicit Metrics(std::vector<std::string> route_templates);

    void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
    void accept_failed() { accept_failures_.fetch_add(1, std::memory_order_relaxed); }
    void request_finished(std::size_t route, boost::beast::http::verb method, unsigned status,
                          std::chrono::microseconds took, std::optional<ErrorCode> error);
    // One MCP tools/call (its tool and outcome).
    void tool_called(const mcp::ToolCallRecord& call);

    // The Prometheus text exposition format (version 0.0.4).
    [[nodiscard]] std::string render(const Store::PoolStats& pool, std::string_view backend,
                                     const PipelineGauges& pipeline = {},
                                     const EventGauges& events = {}) const;

    static constexpr std::array<unsigned, 17> kStatuses{200, 201, 202, 204, 400, 401, 403, 404, 405,
                                                        413, 415, 422, 429, 431, 500, 503, 0};
    static constexpr std::array<const char*, 7> kMethods{"GET",    "POST",    "PUT",  "PATCH",
                                                         "DELETE", "OPTIONS", "OTHER"};
    static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  private:
    void render_http(std::string& out) const;  // request counts and latency histograms
    void render_tool_calls(std::string& out) const;

    using Counter = std::atomic<std::uint64_t>;
    struct RouteLatency {
        std::array<Counter, kBuckets.size() + 1> buckets{};  // last: +Inf
        Counter sum_micros{0};
        Counter count{0};
    };

    std::vector<std::string> routes_;
    std::vector<std::array<std::array<Counter, kStatuses.size()>, kMethods.size()>> requests_;
    std::vector<RouteLatency> latency_;
    std::array<Counter, kErrorCatalogue.size()> errors_{};  // indexed by ErrorCode
    std::atomic<std::int64_t> in_flight_{0};
    Counter accept_failures_{0};
    // [tool, or the table's size for unknown names][outcome]
    std::vector<std::array<Counter, mcp::kToolOutcomes.size()>> tool_calls_;
};

}  // namespace taskcore::server
