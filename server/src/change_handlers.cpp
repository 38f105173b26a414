// The changes feed: decode since/limit, await the change log, encode the page and its position.
#include "change_handlers.hpp"

#include "envelope.hpp"
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

}  // namespace taskcore::server::handlers
