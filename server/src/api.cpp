// Routing, authentication, the envelope and the error mapping of contract §1-§5, in one place.
#include "api.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>

#include "logger.hpp"
#include "openapi.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/text.hpp"
#include "taskcore/json/codec.hpp"
#include "taskcore/json/requests.hpp"
#include "url.hpp"

namespace taskcore::server {
namespace {

namespace bj = boost::json;
using http::status;
using http::verb;

enum class RouteId {
    none,
    health,
    openapi,
    metrics,
    tasks,
    task,
    task_complete,
    conversations,
    conversation,
    messages
};

struct RouteSpec {
    RouteId id;
    bool under_prefix;
    std::vector<std::string_view> pattern;  // "{user_id}" and "{id}" are placeholders
    std::vector<verb> methods;
};

const std::vector<RouteSpec>& route_specs() {
    static const std::vector<RouteSpec> specs{
        {RouteId::health, false, {"health"}, {verb::get}},
        {RouteId::openapi, false, {"openapi.json"}, {verb::get}},
        {RouteId::metrics, false, {"metrics"}, {verb::get}},
        {RouteId::tasks, true, {"{user_id}", "tasks"}, {verb::get, verb::post}},
        {RouteId::task,
         true,
         {"{user_id}", "tasks", "{id}"},
         {verb::get, verb::put, verb::patch, verb::delete_}},
        {RouteId::task_complete, true, {"{user_id}", "tasks", "{id}", "complete"}, {verb::patch}},
        {RouteId::conversations, true, {"{user_id}", "conversations"}, {verb::get, verb::post}},
        {RouteId::conversation,
         true,
         {"{user_id}", "conversations", "{id}"},
         {verb::get, verb::delete_}},
        {RouteId::messages,
         true,
         {"{user_id}", "conversations", "{id}", "messages"},
         {verb::get, verb::post}},
    };
    return specs;
}

struct Match {
    const RouteSpec* spec = nullptr;
    std::string user_id;
    std::string id;
};

// A client error raised while handling a request; mapped to the envelope in handle().
struct ApiError {
    status code;
    std::string error_code;
    std::string message;
    std::vector<std::pair<http::field, std::string>> headers;
};

std::string allow_value(const RouteSpec& spec) {
    std::string allow;
    for (const auto m : spec.methods) {
        allow += std::string(http::to_string(m));
        allow += ", ";
    }
    return allow + "OPTIONS";
}

std::string_view header(const Request& req, http::field field) {
    const auto it = req.find(field);
    return it == req.end() ? std::string_view{} : trim(it->value());
}

bool sane_request_id(std::string_view id) {
    return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bj::object meta(std::string_view request_id) {
    return bj::object{{"timestamp", format_rfc3339(now_ms())}, {"request_id", request_id}};
}

Response json_response(status code, std::string body) {
    Response res{code, 11};
    res.body() = std::move(body);
    return res;
}

Uuid parse_id(const std::string& text) {
    auto id = parse_uuid(text);
    if (!id)
        throw ValidationError("id", "must be a UUID like 0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b");
    return *id;
}

// 415 unless the body is declared as JSON (UTF-8 when a charset is given).
void require_json_content_type(const Request& req) {
    const auto value = header(req, http::field::content_type);
    const auto semicolon = value.find(';');
    const auto media = trim(value.substr(0, semicolon));
    bool ok = iequals(media, "application/json");
    if (ok && semicolon != std::string_view::npos) {
        std::string params(value.substr(semicolon + 1));
        std::transform(params.begin(), params.end(), params.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto charset = params.find("charset=");
        if (charset != std::string::npos) {
            auto cs = trim(std::string_view(params).substr(charset + 8));
            cs = cs.substr(0, cs.find(';'));
            if (!cs.empty() && cs.front() == '"') cs = cs.substr(1, cs.size() - 2);
            ok = cs == "utf-8" || cs == "utf8";
        }
    }
    if (!ok) {
        throw ApiError{status::unsupported_media_type,
                       "UNSUPPORTED_MEDIA_TYPE",
                       "request body must be sent with Content-Type: application/json",
                       {}};
    }
}

bool body_is_empty(const Request& req) {
    return req.body().empty();
}

// The body as JSON; nullopt when there is none. `required` turns a missing body into a 422.
std::optional<bj::value> read_body(const Request& req, bool required) {
    if (body_is_empty(req)) {
        if (required) throw ValidationError("body", "is required (a JSON object)");
        return std::nullopt;
    }
    require_json_content_type(req);
    return json::parse_body(req.body());
}

}  // namespace

struct Api::Context {
    std::string request_id;
    std::string origin;  // set only when allowed
};

Api::Api(const Config& config, Store& store, const JwtVerifier& verifier, const Metrics* metrics)
    : config_(config),
      store_(store),
      verifier_(verifier),
      metrics_(metrics),
      tasks_(store.tasks()),
      conversations_(store.conversations()),
      openapi_(build_openapi_document(config.api_prefix)) {
    if (auto segments = split_path(config_.api_prefix.empty() ? "/" : config_.api_prefix)) {
        prefix_segments_ = std::move(*segments);
        if (prefix_segments_.size() == 1 && prefix_segments_[0].empty()) prefix_segments_.clear();
    }
    allow_headers_ =
        "Authorization, Content-Type, X-Request-ID, traceparent, tracestate, baggage, sentry-trace";
    for (const auto& h : config_.cors_allow_headers) allow_headers_ += ", " + h;
}

const std::vector<RouteInfo>& Api::routes() {
    static const std::vector<RouteInfo> infos = [] {
        std::vector<RouteInfo> out;
        for (const auto& spec : route_specs()) {
            std::string path = spec.under_prefix ? "/api" : "";
            for (const auto seg : spec.pattern) {
                path += '/';
                path += seg;
            }
            out.push_back({path, spec.methods});
        }
        return out;
    }();
    return infos;
}

namespace {

Match match_route(const std::vector<std::string>& segments,
                  const std::vector<std::string>& prefix) {
    for (const auto& spec : route_specs()) {
        const std::size_t offset = spec.under_prefix ? prefix.size() : 0;
        if (segments.size() != offset + spec.pattern.size()) continue;
        if (spec.under_prefix && !std::equal(prefix.begin(), prefix.end(), segments.begin())) {
            continue;
        }
        Match m;
        bool ok = true;
        for (std::size_t i = 0; i < spec.pattern.size() && ok; ++i) {
            const auto& seg = segments[offset + i];
            if (spec.pattern[i] == "{user_id}") {
                m.user_id = seg;
                ok = !seg.empty();
            } else if (spec.pattern[i] == "{id}") {
                m.id = seg;
                ok = !seg.empty();  // "/tasks/" is not a task route
            } else {
                ok = seg == spec.pattern[i];
            }
        }
        if (ok) {
            m.spec = &spec;
            return m;
        }
    }
    return {};
}

}  // namespace

Api::Classification Api::classify(const Request& req) const {
    const auto target = std::string_view(req.target());
    const auto segments = split_path(target.substr(0, target.find('?')));
    const auto& specs = route_specs();
    if (!segments) return {specs.size(), false};
    const auto m = match_route(*segments, prefix_segments_);
    if (m.spec == nullptr) return {specs.size(), false};
    const bool static_route = m.spec->id == RouteId::openapi || m.spec->id == RouteId::metrics;
    return {static_cast<std::size_t>(m.spec - specs.data()),
            req.method() != verb::options && !static_route};
}

namespace {

void init_context_ids(const Request& req, const Config& config, std::string& request_id,
                      std::string& origin) {
    const auto sent = [&] {
        const auto it = req.find("X-Request-ID");
        return it == req.end() ? std::string_view{} : trim(it->value());
    }();
    request_id = sane_request_id(sent) ? std::string(sent) : generate_uuid_v7().to_string();
    const auto o = header(req, http::field::origin);
    if (!o.empty() && std::find(config.cors_origins.begin(), config.cors_origins.end(), o) !=
                          config.cors_origins.end()) {
        origin = std::string(o);
    }
}

std::string error_body(std::string_view code, std::string_view message,
                       const std::vector<FieldError>& details, std::string_view request_id) {
    bj::object error{{"code", code}, {"message", message}};
    if (!details.empty()) {
        bj::array arr;
        for (const auto& d : details)
            arr.push_back(bj::object{{"field", d.field}, {"message", d.message}});
        error["details"] = std::move(arr);
    }
    return bj::serialize(bj::object{{"error", std::move(error)}, {"meta", meta(request_id)}});
}

}  // namespace

Response Api::handle(const Request& req) const {
    Context ctx;
    init_context_ids(req, config_, ctx.request_id, ctx.origin);
    Response res;
    auto fail = [&](status code, std::string_view error_code, std::string_view message,
                    const std::vector<FieldError>& details = {}) {
        res = json_response(code, error_body(error_code, message, details, ctx.request_id));
    };
    try {
        res = dispatch(req, ctx);
    } catch (const ApiError& e) {
        fail(e.code, e.error_code, e.message);
        for (const auto& [field, value] : e.headers) res.set(field, value);
    } catch (const ValidationError& e) {
        fail(status::unprocessable_entity, "VALIDATION_ERROR",
             "request validation failed: " + std::string(e.what()), e.details());
    } catch (const json::MalformedJsonError& e) {
        fail(status::bad_request, "MALFORMED_JSON", e.what());
    } catch (const NotFoundError& e) {
        fail(status::not_found, "NOT_FOUND", e.what());
    } catch (const StorageUnavailableError& e) {
        log::warning(std::string("database unavailable: ") + e.what());
        fail(status::service_unavailable, "SERVICE_UNAVAILABLE",
             "the database is unavailable; retry shortly");
        res.set(http::field::retry_after, "1");
    } catch (const std::exception& e) {
        log::error("request " + ctx.request_id + " failed: " + e.what());
        fail(status::internal_server_error, "INTERNAL_ERROR", "internal error");
    }
    return finish(req, ctx, std::move(res));
}

Response Api::reject(const Request& partial, status code, std::string_view error_code,
                     std::string_view message) const {
    Context ctx;
    init_context_ids(partial, config_, ctx.request_id, ctx.origin);
    auto res = json_response(code, error_body(error_code, message, {}, ctx.request_id));
    res.keep_alive(false);
    return finish(partial, ctx, std::move(res));
}

Response Api::finish(const Request& req, Context& ctx, Response res) const {
    res.version(11);
    if (res.result() != status::no_content && res.find(http::field::content_type) == res.end()) {
        res.set(http::field::content_type, "application/json; charset=utf-8");
    }
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Request-ID", ctx.request_id);
    if (!ctx.origin.empty()) {
        res.set(http::field::access_control_allow_origin, ctx.origin);
        res.set(http::field::access_control_allow_credentials, "true");
        res.set(http::field::vary, "Origin");
        res.set(http::field::access_control_expose_headers,
                "X-Request-ID, Location, Retry-After, WWW-Authenticate, Allow");
        if (req.method() == verb::options && res.result() == status::no_content) {
            res.set(http::field::access_control_allow_methods,
                    "GET, POST, PUT, PATCH, DELETE, OPTIONS");
            res.set(http::field::access_control_allow_headers, allow_headers_);
            res.set(http::field::access_control_max_age, "600");
        }
    }
    if (res.keep_alive()) res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

namespace {

std::string ok_body(bj::value data, std::string_view request_id) {
    return bj::serialize(bj::object{{"data", std::move(data)}, {"meta", meta(request_id)}});
}

// {"data": <item>, "meta": ...} with the item written directly (no JSON DOM on the hot path).
template <typename T>
std::string item_body(const T& item, std::string_view request_id) {
    std::string out = R"({"data":)";
    json::append_json(out, item);
    out += R"(,"meta":)";
    out += bj::serialize(meta(request_id));
    out.push_back('}');
    return out;
}

template <typename T>
std::string list_body(const Page<T>& page, int limit, std::int64_t offset,
                      std::string_view request_id) {
    auto m = meta(request_id);
    m["count"] = page.items.size();
    m["total"] = page.total;
    m["limit"] = limit;
    m["offset"] = offset;
    std::string out = R"({"data":[)";
    out.reserve(page.items.size() * 400 + 200);
    for (std::size_t i = 0; i < page.items.size(); ++i) {
        if (i > 0) out.push_back(',');
        json::append_json(out, page.items[i]);
    }
    out += R"(],"meta":)";
    out += bj::serialize(m);
    out.push_back('}');
    return out;
}

}  // namespace

Response Api::dispatch(const Request& req, Context& ctx) const {
    const std::string_view target = req.target();
    const auto question = target.find('?');
    const auto segments = split_path(target.substr(0, question));
    if (!segments) throw ApiError{status::not_found, "NOT_FOUND", "no such route", {}};
    const auto match = match_route(*segments, prefix_segments_);
    if (match.spec == nullptr) throw ApiError{status::not_found, "NOT_FOUND", "no such route", {}};
    const RouteSpec& route = *match.spec;

    const auto allow = allow_value(route);
    if (req.method() == verb::options) {
        Response res{status::no_content, 11};
        res.set(http::field::allow, allow);
        return res;
    }
    if (std::find(route.methods.begin(), route.methods.end(), req.method()) ==
        route.methods.end()) {
        throw ApiError{
            status::method_not_allowed,
            "METHOD_NOT_ALLOWED",
            "method " + std::string(req.method_string()) + " not allowed here; allowed: " + allow,
            {{http::field::allow, allow}}};
    }

    if (route.id == RouteId::metrics) {
        if (metrics_ == nullptr)
            throw ApiError{status::not_found, "NOT_FOUND", "no such route", {}};
        auto res =
            json_response(status::ok, metrics_->render(store_.pool_stats(), store_.backend()));
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        return res;
    }
    if (route.id == RouteId::openapi) {
        return json_response(status::ok, openapi_);
    }
    if (route.id == RouteId::health) {
        const auto start = std::chrono::steady_clock::now();
        bool healthy = true;
        try {
            store_.ping();
        } catch (const std::exception& e) {
            log::warning(std::string("health check failed: ") + e.what());
            healthy = false;
        }
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds{1}) healthy = false;
        bj::object body{{"status", healthy ? "healthy" : "unhealthy"},
                        {"database", healthy ? "connected" : "disconnected"},
                        {"backend", store_.backend()},
                        {"version", kVersion}};
        auto res =
            json_response(healthy ? status::ok : status::service_unavailable, bj::serialize(body));
        if (!healthy) res.set(http::field::retry_after, "1");
        return res;
    }

    // Every remaining route is an API route scoped to {user_id}.
    const auto auth = header(req, http::field::authorization);
    if (auth.empty()) {
        throw ApiError{status::unauthorized,
                       "UNAUTHORIZED",
                       "missing bearer token",
                       {{http::field::www_authenticate, "Bearer"}}};
    }
    const auto space = auth.find(' ');
    const auto scheme = auth.substr(0, space);
    const auto token =
        space == std::string_view::npos ? std::string_view{} : trim(auth.substr(space));
    if (!iequals(scheme, "Bearer") || token.empty()) {
        throw ApiError{status::unauthorized,
                       "UNAUTHORIZED",
                       "Authorization header must be 'Bearer <token>'",
                       {{http::field::www_authenticate, R"(Bearer error="invalid_token")"}}};
    }
    const auto verified = verifier_.verify(token);
    if (!verified.ok()) {
        log::debug("request " + ctx.request_id +
                   ": token refused: " + std::string(to_string(*verified.failure)));
        throw ApiError{status::unauthorized,
                       "UNAUTHORIZED",
                       "invalid or expired token",
                       {{http::field::www_authenticate, R"(Bearer error="invalid_token")"}}};
    }
    const std::string& user = verified.user_id;
    if (match.user_id != user) {
        throw ApiError{status::forbidden,
                       "FORBIDDEN",
                       "the user in the path does not match the token's user",
                       {}};
    }

    const auto query = parse_query(
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1));
    if (!query) throw ValidationError("query", "malformed percent-encoding in the query string");
    const auto user_path = config_.api_prefix + "/" + percent_encode(user);

    switch (route.id) {
        case RouteId::tasks: {
            if (req.method() == verb::get) {
                const auto q = parse_task_list_query(*query);
                return json_response(
                    status::ok, list_body(tasks_.list(user, q), q.limit, q.offset, ctx.request_id));
            }
            const auto task = tasks_.create(user, json::parse_new_task(*read_body(req, true)));
            auto res = json_response(status::created, item_body(task, ctx.request_id));
            res.set(http::field::location, user_path + "/tasks/" + task.id.to_string());
            return res;
        }
        case RouteId::task: {
            const auto id = parse_id(match.id);
            switch (req.method()) {
                case verb::get:
                    return json_response(status::ok,
                                         item_body(tasks_.get(user, id), ctx.request_id));
                case verb::delete_:
                    tasks_.remove(user, id);
                    return json_response(
                        status::ok, ok_body(bj::object{{"id", id.to_string()}, {"deleted", true}},
                                            ctx.request_id));
                default: {  // PUT and PATCH: partial update
                    const auto patch = json::parse_task_patch(*read_body(req, true));
                    return json_response(status::ok,
                                         item_body(tasks_.update(user, id, patch), ctx.request_id));
                }
            }
        }
        case RouteId::task_complete: {
            const auto id = parse_id(match.id);
            // An empty body toggles whatever its Content-Type says.
            std::optional<bool> completed;
            if (!body_is_empty(req)) completed = json::parse_completion(*read_body(req, true));
            return json_response(
                status::ok, item_body(tasks_.set_completed(user, id, completed), ctx.request_id));
        }
        case RouteId::conversations: {
            if (req.method() == verb::get) {
                const auto page = parse_page_request(*query, 50);
                return json_response(
                    status::ok, list_body(conversations_.list(user, page), page.limit, page.offset,
                                          ctx.request_id));
            }
            json::NewConversation input;
            if (auto body = read_body(req, false)) input = json::parse_new_conversation(*body);
            const auto c = conversations_.create(user, std::move(input.title));
            auto res = json_response(status::created, item_body(c, ctx.request_id));
            res.set(http::field::location, user_path + "/conversations/" + c.id.to_string());
            return res;
        }
        case RouteId::conversation: {
            const auto id = parse_id(match.id);
            if (req.method() == verb::get) {
                return json_response(status::ok,
                                     item_body(conversations_.get(user, id), ctx.request_id));
            }
            conversations_.remove(user, id);
            return json_response(
                status::ok,
                ok_body(bj::object{{"id", id.to_string()}, {"deleted", true}}, ctx.request_id));
        }
        case RouteId::messages: {
            const auto id = parse_id(match.id);
            if (req.method() == verb::get) {
                const auto page = parse_page_request(*query, 100);
                return json_response(
                    status::ok, list_body(conversations_.list_messages(user, id, page), page.limit,
                                          page.offset, ctx.request_id));
            }
            auto input = json::parse_new_message(*read_body(req, true));
            const auto m =
                conversations_.add_message(user, id, input.role, std::move(input.content));
            return json_response(status::created, item_body(m, ctx.request_id));
        }
        default:
            throw ApiError{status::not_found, "NOT_FOUND", "no such route", {}};
    }
}

}  // namespace taskcore::server
