// Handlers of the task routes (/api/{user_id}/tasks...).
#pragma once

#include "api/request_context.hpp"

namespace taskcore::server::handlers {

Awaitable<Response> list_tasks(RequestContext& ctx);
Response create_task(RequestContext& ctx, UnitOfWork& unit);
Awaitable<Response> get_task(RequestContext& ctx);
// PUT and PATCH alike: a partial update of the writable fields.
Awaitable<Response> update_task(RequestContext& ctx);
Awaitable<Response> delete_task(RequestContext& ctx);
// Empty body (whatever its Content-Type): toggle; {"completed": bool}: set.
Response complete_task(RequestContext& ctx, UnitOfWork& unit);

}  // namespace taskcore::server::handlers
