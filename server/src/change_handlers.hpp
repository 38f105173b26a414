// Handlers of the change-log routes (/api/{user_id}/changes).
#pragma once

#include "request_context.hpp"

namespace taskcore::server::handlers {

Awaitable<Response> list_changes(RequestContext& ctx);

}  // namespace taskcore::server::handlers
