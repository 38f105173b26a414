// Storage interface for conversations and their messages, scoped by the owning user's id.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/page.hpp"
#include "taskcore/domain/task.hpp"
#include "taskcore/domain/version.hpp"

namespace taskcore {

class ConversationRepository {
  public:
    virtual ~ConversationRepository() = default;

    virtual void insert(const Conversation& conversation) = 0;
    virtual std::optional<Conversation> find(std::string_view user_id, const Uuid& id) = 0;
    // Most recently updated first (ties by id, newest first), `page.limit` rows after
    // `page.offset` rows or after `page.after`; one row more is read to set has_more.
    virtual Page<Conversation> list(std::string_view user_id, const PageRequest& page) = 0;
    // Deletes the conversation and its messages; true when this call deleted it (false also
    // when `expected` does not accept its version, its updated_at).
    virtual bool remove(std::string_view user_id, const Uuid& id, const Precondition& expected) = 0;
    bool remove(std::string_view user_id, const Uuid& id) {
        return remove(user_id, id, Precondition{});
    }

    // Stores the message and bumps the conversation's updated_at in one transaction; false when
    // the conversation does not exist for this user.
    virtual bool append_message(const Message& message) = 0;
    // Oldest first (ties by id), paged like list(); nullopt when the conversation does not
    // exist for this user.
    virtual std::optional<Page<Message>> list_messages(std::string_view user_id,
                                                       const Uuid& conversation_id,
                                                       const PageRequest& page) = 0;
};

}  // namespace taskcore
