// Conversation and message routes: decode (types only), await the service, encode.
#include "api/conversation_handlers.hpp"

#include "http/envelope.hpp"
#include "taskcore/json/requests.hpp"
#include "taskcore/service/list_cursor.hpp"

namespace taskcore::server::handlers {

using envelope::item_response;
using envelope::json_response;

Awaitable<Response> list_conversations(RequestContext& ctx) {
    const auto page = parse_conversation_page(ctx.query);
    const auto items = co_await ctx.services().list_conversations(ctx.user, page);
    co_return envelope::page_response(ctx.request, items,
                                      {page.limit, page.offset, next_conversation_cursor(items)},
                                      ctx.request_id);
}

namespace {

Response created(RequestContext& ctx, const Conversation& item) {
    return envelope::created_response(item, ctx.user_path() + "/conversations", ctx.request_id);
}

}  // namespace

Response create_conversation(RequestContext& ctx, UnitOfWork& unit) {
    json::Decoded<json::NewConversation> input;
    if (auto body = ctx.body(false)) input = json::parse_new_conversation(*body);
    ConversationService conversations(unit.conversations);
    return created(ctx, conversations.create(ctx.user, std::move(input.value.title),
                                             std::move(input.problems)));
}

Awaitable<Response> get_conversation(RequestContext& ctx) {
    const auto c = co_await ctx.services().get_conversation(ctx.user, ctx.id());
    co_return envelope::read_response(ctx.request, c, ctx.request_id);
}

Awaitable<Response> delete_conversation(RequestContext& ctx) {
    const auto id = ctx.id();
    co_await ctx.services().remove_conversation(ctx.user, id, ctx.expected);
    co_return json_response(http::status::ok, envelope::deleted_body(id, ctx.request_id));
}

Awaitable<Response> list_messages(RequestContext& ctx) {
    const auto id = ctx.id();
    const auto page = parse_message_page(ctx.query, id);
    const auto items = co_await ctx.services().list_messages(ctx.user, id, page);
    co_return envelope::page_response(ctx.request, items,
                                      {page.limit, page.offset, next_message_cursor(id, items)},
                                      ctx.request_id);
}

// No Location: there is no single-message route.
Response add_message(RequestContext& ctx, UnitOfWork& unit) {
    const auto id = ctx.id();
    auto input = json::parse_new_message(*ctx.body(true));
    ConversationService conversations(unit.conversations);
    return item_response(
        http::status::created,
        conversations.add_message(ctx.user, id, input.value.role, std::move(input.value.content),
                                  std::move(input.problems)),
        ctx.request_id);
}

}  // namespace taskcore::server::handlers
