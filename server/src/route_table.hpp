// The one route table: it drives matching, Allow, 404/405, the metrics route label and the
// OpenAPI paths. Adding a route is one entry in route_table.cpp plus its handler.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"

namespace taskcore::server {

struct RequestContext;
using Handler = boost::asio::awaitable<Response> (*)(RequestContext&);

struct Operation {
    http::verb method;
    Handler handler;
    std::string_view openapi;  // the OpenAPI operation object (JSON) documenting it
    // Takes an Idempotency-Key (a write that is not idempotent by itself; keyed_writes.hpp).
    bool keyed = false;
};

// Who may call a route: anyone, or the bearer token's user when it equals {user_id}, or that
// user with either a bearer token or a one-time ?ticket= (the event stream, for EventSource).
enum class Access { anyone, path_user, path_user_or_ticket };

struct Route {
    // Template with the default "/api" prefix, e.g. "/api/{user_id}/tasks/{id}"; placeholders are
    // {user_id} and {id}. Paths under "/api" move with API_PREFIX.
    std::string_view path;
    Access access;
    std::vector<Operation> operations;  // OPTIONS (preflight) is implied for every route
    // Part of the MCP endpoint: served only when MCP is enabled, and a trailing "/mcp" of the
    // path follows MCP_PATH.
    bool mcp = false;
    // In the OpenAPI document (false for the /docs page and its files, which are not API).
    bool documented = true;
};

const std::vector<Route>& route_table();

// "GET, HEAD, POST, OPTIONS" for a route.
std::string allow_value(const Route& route);

struct RouteMatch {
    const Route* route = nullptr;  // null: no route has this path
    std::size_t index = 0;         // position in route_table(); its size when unmatched
    std::string user_id;           // decoded {user_id}
    std::string id;                // decoded {id}

    // The operation serving `method`; HEAD is served by the GET operation.
    [[nodiscard]] const Operation* operation(http::verb method) const;
};

// Matches request paths against the table under the configured API prefix and MCP path.
class RouteMatcher {
  public:
    // `mcp_path` nullopt: the MCP routes are not served.
    explicit RouteMatcher(std::string_view api_prefix,
                          std::optional<std::string_view> mcp_path = "/mcp");

    // `target` may carry a query string; it is ignored here.
    [[nodiscard]] RouteMatch match(std::string_view target) const;
    // A route's template under the configured prefix (metrics label, OpenAPI key).
    [[nodiscard]] std::string path_of(const Route& route) const;
    // Every route's template in table order, then "unmatched": the metrics labels.
    [[nodiscard]] std::vector<std::string> labels() const;

  private:
    struct Pattern {
        bool served;
        std::vector<std::string> segments;  // decoded; "{user_id}" and "{id}" are placeholders
    };
    std::string prefix_;
    std::optional<std::string> mcp_path_;
    std::vector<Pattern> patterns_;
};

}  // namespace taskcore::server
