// Handlers of the conversation and message routes (/api/{user_id}/conversations...).
#pragma once

#include "api/request_context.hpp"

namespace taskcore::server::handlers {

Awaitable<Response> list_conversations(RequestContext& ctx);
Response create_conversation(RequestContext& ctx, UnitOfWork& unit);
Awaitable<Response> get_conversation(RequestContext& ctx);
Awaitable<Response> delete_conversation(RequestContext& ctx);
Awaitable<Response> list_messages(RequestContext& ctx);
Response add_message(RequestContext& ctx, UnitOfWork& unit);

}  // namespace taskcore::server::handlers
