// Handlers of the change-log routes (/api/{user_id}/changes).
#pragma once

#include "request_context.hpp"

namespace taskcore::server::handlers {

Awaitable<Response> list_changes(RequestContext& ctx);
// GET .../events: the Server-Sent Events stream (the network layer runs it, event_stream.hpp).
Awaitable<Response> open_events(RequestContext& ctx);

}  // namespace taskcore::server::handlers
