// Conversation and message use cases.
#include "taskcore/service/conversation_service.hpp"

#include "taskcore/domain/errors.hpp"

namespace taskcore {

ConversationService::ConversationService(ConversationRepository& repository, Clock clock)
    : repository_(repository), clock_(clock ? std::move(clock) : Clock(now_ms)) {}

Conversation ConversationService::create(std::string_view user_id, std::optional<std::string> title,
                                         FieldErrors problems) {
    check_user_id(user_id);
    check_conversation_title(title, problems);
    throw_if_any(std::move(problems));
    const auto now = clock_();
    Conversation c{generate_uuid_v7(), std::string(user_id), std::move(title), now, now};
    repository_.insert(c);
    return c;
}

Conversation ConversationService::get(std::string_view user_id, const Uuid& id) {
    check_user_id(user_id);
    auto c = repository_.find(user_id, id);
    if (!c) throw NotFoundError("conversation not found");
    return std::move(*c);
}

Page<Conversation> ConversationService::list(std::string_view user_id, const PageRequest& page) {
    check_user_id(user_id);
    check_page(page.limit, page.offset, page.after.has_value());
    return repository_.list(user_id, page);
}

void ConversationService::remove(std::string_view user_id, const Uuid& id,
                                 const Precondition& expected) {
    check_user_id(user_id);
    if (repository_.remove(user_id, id, expected)) return;
    const auto current = repository_.find(user_id, id);  // only to tell 404 from 412
    if (!current || expected.unconditional()) throw NotFoundError("conversation not found");
    throw PreconditionFailedError(current->updated_at);
}

Message ConversationService::add_message(std::string_view user_id, const Uuid& conversation_id,
                                         MessageRole role, std::string content,
                                         FieldErrors problems) {
    check_user_id(user_id);
    check_message_content(content, problems);
    throw_if_any(std::move(problems));
    Message m{generate_uuid_v7(), std::string(user_id),
              conversation_id,    role,
              std::move(content), clock_()};
    if (!repository_.append_message(m)) throw NotFoundError("conversation not found");
    return m;
}

Page<Message> ConversationService::list_messages(std::string_view user_id,
                                                 const Uuid& conversation_id,
                                                 const PageRequest& page) {
    check_user_id(user_id);
    check_page(page.limit, page.offset, page.after.has_value());
    auto messages = repository_.list_messages(user_id, conversation_id, page);
    if (!messages) throw NotFoundError("conversation not found");
    return std::move(*messages);
}

}  // namespace taskcore
