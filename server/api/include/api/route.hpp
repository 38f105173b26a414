// What a route is: its path template, who may call it, its operations (method, handler,
// OpenAPI text, write-safety flags), and the match a request carries to its handler.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.hpp"

namespace taskcore {
struct UnitOfWork;
}

namespace taskcore::server {

struct RequestContext;
using Handler = boost::asio::awaitable<Response> (*)(RequestContext&);
// A write that is not idempotent by itself, as one function of the repositories it writes
// through; the dispatcher runs it on the blocking pool (write_safety.hpp).
using Write = Response (*)(RequestContext&, UnitOfWork&);

// Each operation is served by `handler` or by `write`; the flags are read by the dispatcher
// and by the OpenAPI document alike, so the two cannot drift apart.
struct Operation {
    http::verb method;
    Handler handler;
    std::string_view openapi;  // the OpenAPI operation object (JSON) documenting it
    // Set: the operation takes an Idempotency-Key, and runs in one transaction with its stored
    // response when one is sent (without: with autocommit repositories, as a handler would).
    Write write = nullptr;
    // Honours If-Match: the dispatcher reads it into RequestContext::expected.
    bool conditional = false;

    [[nodiscard]] bool keyed() const { return write != nullptr; }
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

}  // namespace taskcore::server
