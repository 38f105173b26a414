// Handlers of the conversation and message routes (/api/{user_id}/conversations...).
#pragma once

#include "api/request_context.hpp"

namespace taskcore::server::handlers {

Awaitable<Response> list_conversations(RequestContext& ctx);
Awaitable<Response> create_conversation(RequestContext& ctx);
Awaitable<Response> get_conversation(RequestContext& ctx);
Awaitable<Response> delete_conversation(RequestContext& ctx);
Awaitable<Response> list_messages(RequestContext& ctx);
Awaitable<Response> add_message(RequestContext& ctx);

}  // namespace taskcore::server::handlers
