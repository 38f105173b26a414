// The HTTP API as a plain function of a request: routing, auth, envelope, errors, CORS.
#pragma once

#include <boost/beast/http.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "metrics.hpp"
#include "taskcore/auth/jwt_verifier.hpp"
#include "taskcore/service/conversation_service.hpp"
#include "taskcore/service/task_service.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

inline constexpr std::string_view kVersion = "0.1.0";

// One route of the API; `path` uses {user_id}/{id} placeholders and the default /api prefix.
struct RouteInfo {
    std::string path;
    std::vector<http::verb> methods;  // OPTIONS (preflight) is implied for every route
};

class Api {
  public:
    // `metrics` (optional) is served at GET /metrics.
    Api(const Config& config, Store& store, const JwtVerifier& verifier,
        const Metrics* metrics = nullptr);

    // Thread-safe; never throws. Blocking: may call the database.
    Response handle(const Request& request) const;

    struct Classification {
        std::size_t route;    // index into routes(); routes().size() when no route matches
        bool needs_database;  // handle() may block on the database: run it off the event loop
    };
    Classification classify(const Request& request) const;

    // For failures detected before a request is complete (431, 413, timeouts): an error response
    // carrying whatever of the request's headers were parsed (for CORS and the request id).
    Response reject(const Request& partial, http::status status, std::string_view code,
                    std::string_view message) const;

    static const std::vector<RouteInfo>& routes();

  private:
    struct Context;
    Response dispatch(const Request& request, Context& ctx) const;
    Response finish(const Request& request, Context& ctx, Response response) const;

    const Config& config_;
    Store& store_;
    const JwtVerifier& verifier_;
    const Metrics* metrics_;
    mutable TaskService tasks_;
    mutable ConversationService conversations_;
    std::vector<std::string> prefix_segments_;
    std::string allow_headers_;
    std::string openapi_;
};

}  // namespace taskcore::server
