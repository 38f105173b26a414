// Task routes: decode (types only), await the service (which validates), encode the envelope.
#include "api/task_handlers.hpp"

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

Response create_task(RequestContext& ctx, UnitOfWork& unit) {
    auto input = json::parse_new_task(*ctx.body(true));
    TaskService tasks(unit.tasks);
    return created(ctx, tasks.create(ctx.user, std::move(input.value), std::move(input.problems)));
}

Awaitable<Response> get_task(RequestContext& ctx) {
    const auto task = co_await ctx.services().get_task(ctx.user, ctx.id());
    co_return envelope::read_response(ctx.request, task, ctx.request_id);
}

Awaitable<Response> update_task(RequestContext& ctx) {
    const auto id = ctx.id();
    auto patch = json::parse_task_patch(*ctx.body(true));
    const auto task = co_await ctx.services().update_task(ctx.user, id, std::move(patch.value),
                                                          std::move(patch.problems), ctx.expected);
    co_return item_response(http::status::ok, task, ctx.request_id);
}

Awaitable<Response> delete_task(RequestContext& ctx) {
    const auto id = ctx.id();
    co_await ctx.services().remove_task(ctx.user, id, ctx.expected);
    co_return json_response(http::status::ok, envelope::deleted_body(id, ctx.request_id));
}

// A toggle is not idempotent, so it is a keyed write like the creates.
Response complete_task(RequestContext& ctx, UnitOfWork& unit) {
    const auto id = ctx.id();
    std::optional<bool> completed;
    if (ctx.has_body()) completed = json::parse_completion(*ctx.body(true));
    TaskService tasks(unit.tasks);
    return item_response(http::status::ok,
                         tasks.set_completed(ctx.user, id, completed, ctx.expected),
                         ctx.request_id);
}

}  // namespace taskcore::server::handlers
