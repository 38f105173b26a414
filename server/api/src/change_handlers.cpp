// The changes feed: decode since/limit, await the change log, encode the page and its position.
#include "api/change_handlers.hpp"

#include "events/event_hub.hpp"
#include "http/envelope.hpp"
#include "http/response_headers.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/service/query_params.hpp"

namespace taskcore::server::handlers {

Awaitable<Response> list_changes(RequestContext& ctx) {
    const auto query = parse_changes_query(ctx.query);
    const auto page = co_await ctx.services().changes_after(ctx.user, query);
    // Every write moves latest_seq on, and the objects in a page change only by writes: the
    // position and the latest seq name the response (a poll answered 304 while nothing changed).
    const auto etag = "W/\"changes-" + std::to_string(query.since) + "-" +
                      std::to_string(query.limit) + "-" + std::to_string(page.latest_seq) + "\"";
    if (none_match(ctx.request, etag)) co_return envelope::not_modified(etag);
    auto m = envelope::meta(ctx.request_id);
    m["count"] = page.changes.size();
    m["since"] = query.since;
    // Where the next call continues: the last seq of this page, or `since` when it is empty.
    m["next_since"] = page.changes.empty() ? query.since : page.changes.back().seq;
    m["has_more"] = page.has_more;
    m["latest_seq"] = page.latest_seq;
    auto res = envelope::json_response(http::status::ok, envelope::items_body(page.changes, m));
    res.set(http::field::etag, etag);
    co_return res;
}

Awaitable<Response> issue_event_ticket(RequestContext& ctx) {
    const auto ticket = ctx.services().issue_ticket(ctx.user, ctx.token_expires_at);
    auto res = envelope::json_response(
        http::status::ok,
        envelope::data_body(boost::json::object{{"ticket", ticket.ticket},
                                                {"expires_in", ticket.expires_in.count()}},
                            ctx.request_id));
    res.set(http::field::cache_control, "no-store");  // a credential
    co_return res;
}

Awaitable<Response> open_events(RequestContext& ctx) {
    // EventSource sends Last-Event-ID when it reconnects (to the URL it first opened, since=
    // included): the header is the newer position.
    auto after = parse_events_since(ctx.query);
    const auto last_event_id = header_value(ctx.request, "Last-Event-ID");
    if (!last_event_id.empty()) {
        after = parse_last_event_id(last_event_id);
        if (!after) throw ValidationError("Last-Event-ID", "must be a seq of this stream");
    }
    auto reservation = ctx.resources.events->reserve(ctx.user);
    if (!reservation.slot) {
        if (reservation.refusal == EventHub::Refusal::user_limit) {
            throw ApiError(ErrorCode::rate_limited,
                           "too many open event streams for this user "
                           "(EVENTS_MAX_STREAMS_PER_USER); close one or retry later",
                           {{http::field::retry_after, "5"}});
        }
        throw ApiError(ErrorCode::service_unavailable,
                       "the server is not taking more event streams now; retry elsewhere",
                       {{http::field::retry_after, "5"}});
    }
    const bool resumed = after.has_value();
    if (resumed) {
        // 410 RESYNC_REQUIRED now, as a JSON answer, when the log no longer covers the position.
        co_await ctx.services().changes_after(ctx.user, {*after, 1});
    } else {
        after = co_await ctx.services().latest_seq(ctx.user);
    }
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/event-stream; charset=utf-8");
    res.set(http::field::cache_control, "no-cache");
    res.set("X-Accel-Buffering", "no");  // nginx: pass each event on at once
    ctx.stream = std::make_shared<StreamStart>(
        StreamStart{std::move(reservation.slot), *after, resumed, ctx.token_expires_at});
    co_return res;
}

}  // namespace taskcore::server::handlers
