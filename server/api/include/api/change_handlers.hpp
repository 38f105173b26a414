// Handlers of the change-log routes (/api/{user_id}/changes, /events, /events/ticket).
#pragma once

#include "api/request_context.hpp"

namespace taskcore::server::handlers {

Awaitable<Response> list_changes(RequestContext& ctx);
// GET .../events: the Server-Sent Events stream (the network layer runs it, event_stream.hpp).
Awaitable<Response> open_events(RequestContext& ctx);
// POST .../events/ticket: a one-time ticket for GET .../events?ticket= (EventSource).
Awaitable<Response> issue_event_ticket(RequestContext& ctx);

}  // namespace taskcore::server::handlers
