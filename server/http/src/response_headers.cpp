// Common response headers and CORS, applied to every response in one place.
#include "http/response_headers.hpp"

#include <algorithm>

#include "ops/logger.hpp"
#include "taskcore/domain/text.hpp"
#include "taskcore/domain/uuid.hpp"

namespace taskcore::server {
namespace {

using http::verb;

bool sane_request_id(std::string_view id) {
    return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

// A page served by this server (e.g. /docs) calling it: the browser needs no CORS headers.
bool same_origin(const Request& request, std::string_view origin) {
    const auto host = header_value(request, http::field::host);
    if (host.empty()) return false;
    for (const std::string_view scheme : {"http://", "https://"}) {
        if (origin.starts_with(scheme) && origin.substr(scheme.size()) == host) return true;
    }
    return false;
}

}  // namespace

std::string_view header_value(const Request& request, http::field field) {
    const auto it = request.find(field);
    return it == request.end() ? std::string_view{} : trim(it->value());
}

std::string_view header_value(const Request& request, std::string_view name) {
    const auto it = request.find(name);
    return it == request.end() ? std::string_view{} : trim(it->value());
}

ResponseHeaders::ResponseHeaders(const Config& config)
    : config_(config),
      allow_headers_(
          "Authorization, Content-Type, X-Request-ID, traceparent, tracestate, baggage, "
          "sentry-trace, MCP-Protocol-Version, Mcp-Method, Mcp-Name, If-Match, If-None-Match, "
          "Idempotency-Key, Last-Event-ID") {
    for (const auto& h : config_.cors_allow_headers) allow_headers_ += ", " + h;
}

RequestIdentity ResponseHeaders::identify(const Request& request) const {
    RequestIdentity who;
    const auto sent = header_value(request, "X-Request-ID");
    who.request_id = sane_request_id(sent) ? std::string(sent) : generate_uuid_v7().to_string();
    const auto origin = header_value(request, http::field::origin);
    if (origin_allowed(config_, origin)) {
        who.origin = std::string(origin);
    } else if (!origin.empty() && !same_origin(request, origin)) {
        if (auto line = refusals_->report(origin, std::chrono::steady_clock::now())) {
            log::warning(*line);
        }
    }
    return who;
}

bool origin_allowed(const Config& config, std::string_view origin) {
    const auto& allowed = config.cors_origins;
    return !origin.empty() && std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
}

Response ResponseHeaders::finish(const Request& request, const RequestIdentity& who,
                                 Response res) const {
    res.version(11);
    if (!res.body().empty() && res.find(http::field::content_type) == res.end()) {
        res.set(http::field::content_type, "application/json; charset=utf-8");
    }
    // API answers are never cached; a handler that knows better (the /docs assets) says so.
    if (res.find(http::field::cache_control) == res.end()) {
        res.set(http::field::cache_control, "no-store");
    }
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Request-ID", who.request_id);
    if (!who.origin.empty()) {
        res.set(http::field::access_control_allow_origin, who.origin);
        res.set(http::field::access_control_allow_credentials, "true");
        res.set(http::field::vary, "Origin");
        res.set(http::field::access_control_expose_headers,
                "X-Request-ID, Location, Retry-After, WWW-Authenticate, Allow, RateLimit, "
                "RateLimit-Policy, ETag, Idempotent-Replayed, Link");
        if (request.method() == verb::options && res.result() == http::status::no_content) {
            res.set(http::field::access_control_allow_methods,
                    "GET, POST, PUT, PATCH, DELETE, OPTIONS");
            res.set(http::field::access_control_allow_headers, allow_headers_);
            res.set(http::field::access_control_max_age, "600");
        }
    }
    if (res.keep_alive()) res.keep_alive(request.keep_alive());
    res.prepare_payload();
    // RFC 9110 §8.6: a 304's Content-Length could only be the 200's length; send none.
    if (res.result() == http::status::not_modified) res.erase(http::field::content_length);
    if (request.method() == verb::head) {
        // RFC 9110 §9.3.2: the headers of the GET, Content-Length included, and never a body
        // (a body here would be read as the next response on a kept-alive connection).
        const auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    return res;
}

}  // namespace taskcore::server
