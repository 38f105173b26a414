// The MCP endpoint over HTTP: the checks the transport requires before any JSON-RPC is read,
// then mcp::answer for the body.
#include "api/mcp_handlers.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "http/bearer_auth.hpp"
#include "http/envelope.hpp"
#include "http/error_catalogue.hpp"
#include "http/response_headers.hpp"
#include "http/url.hpp"
#include "mcp/mcp_protocol.hpp"

namespace taskcore::server::handlers {
namespace {

// scheme://host[:port] of this server as its clients reach it: PUBLIC_URL, else the Host header
// (when it looks like a host name; it is only ever echoed to the same client).
std::string base_url(const RequestContext& ctx) {
    if (ctx.resources.config.public_url) return *ctx.resources.config.public_url;
    const auto host = header_value(ctx.request, http::field::host);
    const bool sane =
        !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
        });
    return "http://" + (sane ? std::string(host) : std::string("localhost"));
}

std::string metadata_url(const RequestContext& ctx) {
    return base_url(ctx) + "/.well-known/oauth-protected-resource" + ctx.resources.config.mcp_path;
}

// RFC 6750 §2.3 is not offered: a token in a URL ends up in logs and browser history.
void refuse_query_token(const RequestContext& ctx) {
    const std::string_view target = ctx.request.target();
    const auto question = target.find('?');
    if (question == std::string_view::npos) return;
    const auto query = parse_query(target.substr(question + 1));
    if (!query) return;
    for (const auto& [key, value] : *query) {
        if (key == "access_token") {
            throw ApiError(ErrorCode::unauthorized,
                           "tokens in the query string are not accepted; send Authorization: "
                           "Bearer <token>",
                           {{http::field::www_authenticate,
                             R"(Bearer error="invalid_request", resource_metadata=")" +
                                 metadata_url(ctx) + "\""}});
        }
    }
}

}  // namespace

Awaitable<Response> mcp(RequestContext& ctx) {
    // DNS-rebinding protection: a browser page may only call from an allowed origin.
    const auto origin = header_value(ctx.request, http::field::origin);
    if (!origin.empty() && !origin_allowed(ctx.resources.config, origin)) {
        // The origin itself is not echoed: header bytes need not be UTF-8.
        throw ApiError(ErrorCode::forbidden,
                       "this Origin is not allowed to call the MCP endpoint (FRONTEND_ORIGIN, "
                       "CORS_ORIGINS)");
    }
    refuse_query_token(ctx);
    ctx.user = authenticate(ctx.request, ctx.resources.verifier, ctx.request_id,
                            "resource_metadata=\"" + metadata_url(ctx) + "\"")
                   .user_id;
    ctx.charge(user_bucket(ctx.user));
    if (ctx.has_body()) ctx.require_json_content_type();
    const std::string_view body = ctx.request.body();
    mcp::Exchange exchange{ctx.request, ctx.services(), ctx.user, ctx.tool_calls, {}};
    if (ctx.resources.limiter != nullptr) {
        exchange.take_token = [&ctx] {
            ctx.rate = ctx.resources.limiter->take(user_bucket(ctx.user));
            return *ctx.rate;
        };
    }
    auto answer = co_await mcp::answer(exchange, body);
    Response res{answer.status, 11};
    if (!answer.body.empty()) {
        res.set(http::field::content_type, "application/json");
        res.body() = std::move(answer.body);
    }
    co_return res;
}

Awaitable<Response> protected_resource_metadata(RequestContext& ctx) {
    const auto& config = ctx.resources.config;
    boost::json::object doc{{"resource", base_url(ctx) + config.mcp_path},
                            {"bearer_methods_supported", boost::json::array{"header"}},
                            {"resource_name", "taskcore"}};
    if (config.better_auth_url) {
        doc["authorization_servers"] = boost::json::array{*config.better_auth_url};
    }
    co_return envelope::json_response(http::status::ok, boost::json::serialize(doc));
}

}  // namespace taskcore::server::handlers
