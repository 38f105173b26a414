// Task routes: decode (types only), await the service (which validates), encode the envelope.
#include "api/task_handlers.hpp"

#include "api/keyed_writes.hpp"
#include "http/envelope.hpp"
#include "taskcore/json/requests.hpp"
#include "taskcore/service/list_cursor.hpp"

namespace taskcore::server::handlers {

using envelope::item_response;
using envelope::json_response;

Awaitable<Response> list_tasks(RequestContext& ctx) {
    const auto query = parse_task_list_query(ctx.query);
    const auto page = co_await ctx.services().list_tasks(ctx.user, query);
    co_return envelope::page_response(ctx.request, page,
                                      {query.limit, query.offset, next_task_cursor(query, page)},
                                      ctx.request_id);
}

namespace {

Response created(RequestContext& ctx, const Task& item) {
    return envelope::created_response(item, ctx.user_path() + "/tasks", ctx.request_id);
}

}  // namespace

Awaitable<Response> create_task(RequestContext& ctx) {
    auto input = json::parse_new_task(*ctx.body(true));
    if (auto key = idempotency_key(ctx.request)) {
        co_return co_await respond_once(ctx, std::move(*key), [&](UnitOfWork& unit) {
            TaskService tasks(unit.tasks);
            return created(ctx, tasks.create(ctx.user, input.value, input.problems));
        });
    }
    const auto task = co_await ctx.services().create_task(ctx.user, std::move(input.value),
                                                          std::move(input.problems));
    co_return created(ctx, task);
}

Awaitable<Response> get_task(RequestContext& ctx) {
    const auto task = co_await ctx.services().get_task(ctx.user, ctx.id());
    co_return envelope::read_response(ctx.request, task, ctx.request_id);
}

Awaitable<Response> update_task(RequestContext& ctx) {
    const auto id = ctx.id();
    auto patch = json::parse_task_patch(*ctx.body(true));
    const auto task = co_await ctx.services().update_task(
        ctx.user, id, std::move(patch.value), std::move(patch.problems), if_match(ctx.request));
    co_return item_response(http::status::ok, task, ctx.request_id);
}

Awaitable<Response> delete_task(RequestContext& ctx) {
    const auto id = ctx.id();
    co_await ctx.services().remove_task(ctx.user, id, if_match(ctx.request));
    co_return json_response(http::status::ok, envelope::deleted_body(id, ctx.request_id));
}

Awaitable<Response> complete_task(RequestContext& ctx) {
    const auto id = ctx.id();
    std::optional<bool> completed;
    if (ctx.has_body()) completed = json::parse_completion(*ctx.body(true));
    const auto expected = if_match(ctx.request);
    // A toggle is not idempotent, so it takes a key like the creates do.
    if (auto key = idempotency_key(ctx.request)) {
        co_return co_await respond_once(ctx, std::move(*key), [&](UnitOfWork& unit) {
            TaskService tasks(unit.tasks);
            return item_response(http::status::ok,
                                 tasks.set_completed(ctx.user, id, completed, expected),
                                 ctx.request_id);
        });
    }
    const auto task = co_await ctx.services().set_completed(ctx.user, id, completed, expected);
    co_return item_response(http::status::ok, task, ctx.request_id);
}

}  // namespace taskcore::server::handlers
