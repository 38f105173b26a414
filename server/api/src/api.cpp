// One request through the API: route match, 404/405/preflight, authentication, handler, and the
// mapping of every error to its catalogue entry.
#include "api/api.hpp"

#include <algorithm>

#include "api/openapi.hpp"
#include "api/system_handlers.hpp"
#include "api/write_safety.hpp"
#include "http/bearer_auth.hpp"
#include "http/envelope.hpp"
#include "http/error_mapping.hpp"
#include "http/etag.hpp"
#include "http/url.hpp"
#include "ops/logger.hpp"
#include "ops/random_key.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/json/requests.hpp"
#include "taskcore/service/idempotent_writes.hpp"

namespace taskcore::server {

namespace {

// The key of event-stream tickets: configured, derived from the bearer secret every instance
// shares (one-way), or of this process only.
std::string event_ticket_key(const Config& config) {
    if (config.events_ticket_secret) return ticket_key_from(*config.events_ticket_secret);
    if (config.better_auth_secret) return ticket_key_from(*config.better_auth_secret);
    return random_key();
}

}  // namespace

Api::Api(const Config& config, Store& store, const JwtVerifier& verifier,
         boost::asio::any_io_executor blocking, const Metrics* metrics)
    : verifier_(verifier),
      limiter_(
          config.rate_limit_per_minute > 0
              ? std::make_unique<RateLimiter>(config.rate_limit_per_minute, config.rate_limit_burst)
              : nullptr),
      services_(store, std::move(blocking), config.idempotency_ttl, event_ticket_key(config)),
      events_(std::make_shared<EventHub>(config.events_max_streams_per_user,
                                         config.events_max_streams)),
      matcher_(config.api_prefix, mcp_path_of(config)),
      headers_(config),
      resources_{
          config,
          services_,
          verifier,
          limiter_.get(),
          metrics,
          events_.get(),
          build_openapi_document(config.api_prefix, mcp_path_of(config), config.public_url)} {}

// draft-ietf-httpapi-ratelimit-headers: the policy (quota q per window w) and what is left of it
// (r remaining, t seconds until full), as RFC 9651 structured-field lists.
void Api::add_rate_limit_headers(Response& res, const RateDecision& rate) const {
    res.set("RateLimit-Policy",
            "\"user\";q=" + std::to_string(limiter_->burst()) + ";w=" +
                std::to_string(std::max(1LL, 60 * limiter_->burst() / limiter_->per_minute())));
    res.set("RateLimit",
            "\"user\";r=" + std::to_string(rate.remaining) + ";t=" + std::to_string(rate.reset_s));
}

// A refused token costs the sender's address one request: a flood of bad tokens ends in 429s
// without touching any user's budget.
void Api::refused_token(RequestContext& ctx, Reply& reply) const {
    if (limiter_ == nullptr || ctx.client_address.empty()) return;
    try {
        ctx.charge(address_bucket(ctx.client_address));
    } catch (const ApiError& e) {
        answer_failure(Failure{e.code, e.what(), {}, {}, e.headers}, ctx, reply);
    }
}

void Api::answer_failure(const Failure& failure, RequestContext& ctx, Reply& reply) const {
    reply.error = failure.code;
    reply.response =
        envelope::json_response(error_info(failure.code).status,
                                envelope::error_body(failure.code, failure.message, failure.details,
                                                     ctx.request_id, failure.extra));
    for (const auto& [field, value] : failure.headers) reply.response.set(field, value);
    if (failure.code == ErrorCode::unauthorized) refused_token(ctx, reply);
}

namespace {

QueryParams query_of(const Request& request) {
    const std::string_view target = request.target();
    const auto question = target.find('?');
    auto query = parse_query(question == std::string_view::npos ? std::string_view{}
                                                                : target.substr(question + 1));
    if (!query) throw ValidationError("query", "malformed percent-encoding in the query string");
    return std::move(*query);
}

// Removes every `name` parameter; the value of the last one, if any.
std::optional<std::string> take_parameter(QueryParams& query, std::string_view name) {
    std::optional<std::string> value;
    std::erase_if(query, [&](auto& param) {
        if (param.first != name) return false;
        value = std::move(param.second);
        return true;
    });
    return value;
}

}  // namespace

boost::asio::awaitable<Response> Api::dispatch(RequestContext& ctx) const {
    const auto& match = ctx.match;
    if (match.route == nullptr) throw ApiError(ErrorCode::not_found, "no such route");
    const auto allow = allow_value(*match.route);
    if (ctx.request.method() == http::verb::options) {
        Response res{http::status::no_content, 11};
        res.set(http::field::allow, allow);
        co_return res;
    }
    const auto* operation = match.operation(ctx.request.method());
    if (operation == nullptr) {
        throw ApiError(ErrorCode::method_not_allowed,
                       "method " + std::string(ctx.request.method_string()) +
                           " not allowed here; allowed: " + allow,
                       {{http::field::allow, allow}});
    }
    if (match.route->access == Access::anyone) co_return co_await run_operation(ctx, *operation);
    // A ticket (the browser's EventSource sends no headers) opens what a bearer token would;
    // a bearer token wins when both are sent. The ticket is no handler's parameter.
    std::optional<std::string> ticket;
    if (match.route->access == Access::path_user_or_ticket) {
        ctx.query = query_of(ctx.request);
        ticket = take_parameter(ctx.query, "ticket");
        if (!header_value(ctx.request, http::field::authorization).empty()) ticket.reset();
    }
    if (ticket) {
        const auto granted = co_await ctx.services().redeem_ticket(match.user_id, *ticket);
        ctx.user = granted.user_id;
        ctx.token_expires_at = granted.stream_ends_at;
        ctx.charge(user_bucket(ctx.user));
        co_return co_await run_operation(ctx, *operation);
    }
    auto token = authenticate(ctx.request, verifier_, ctx.request_id);
    ctx.user = std::move(token.user_id);
    ctx.token_expires_at = token.expires_at;
    ctx.charge(user_bucket(ctx.user));
    if (match.user_id != ctx.user) {
        throw ApiError(ErrorCode::forbidden,
                       "the user in the path does not match the token's user");
    }
    if (match.route->access == Access::path_user) ctx.query = query_of(ctx.request);
    co_return co_await run_operation(ctx, *operation);
}

boost::asio::awaitable<Reply> Api::handle(const Request& req, std::string client_address) const {
    const auto who = headers_.identify(req);
    const auto match = matcher_.match(req.target());
    RequestContext ctx{req, match, resources_, who.request_id, {}, {}};
    ctx.client_address = std::move(client_address);
    Reply reply;
    reply.route = match.index;
    std::optional<Failure> failure;
    try {
        reply.response = co_await dispatch(ctx);
        reply.tool_calls = std::move(ctx.tool_calls);
        reply.stream = std::move(ctx.stream);
        // A write of this user's (REST or MCP) moved their change log on: wake their streams,
        // here and on the other instances. HEAD is a GET without its body: it writes nothing.
        const bool reads = req.method() == http::verb::get || req.method() == http::verb::head;
        if (!ctx.user.empty() && !reads) events_->wrote(ctx.user);
    } catch (const ApiError& e) {
        failure = Failure{e.code, e.what(), {}, {}, e.headers};
    } catch (const Error& e) {
        failure = describe_failure(e);
        if (failure->code == ErrorCode::internal_error) {
            log::error("request " + who.request_id + " failed: " + e.what());
        }
    } catch (const std::exception& e) {
        log::error("request " + who.request_id + " failed: " + e.what());
        failure = Failure{ErrorCode::internal_error, "internal error"};
    }
    if (failure) answer_failure(*failure, ctx, reply);
    reply.user = std::move(ctx.user);
    if (ctx.rate) add_rate_limit_headers(reply.response, *ctx.rate);
    reply.response = headers_.finish(req, who, std::move(reply.response));
    co_return reply;
}

std::string Api::metrics_document() const {
    return handlers::metrics_document(resources_);
}

Reply Api::reject(const Request& partial, ErrorCode code, std::string_view message) const {
    const auto who = headers_.identify(partial);
    auto res = envelope::json_response(error_info(code).status,
                                       envelope::error_body(code, message, {}, who.request_id));
    res.keep_alive(false);
    return {headers_.finish(partial, who, std::move(res)), route_table().size(), code};
}

}  // namespace taskcore::server
