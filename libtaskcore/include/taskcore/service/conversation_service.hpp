// Conversation and message use cases: inputs validated here (input_rules.hpp), then storage.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "taskcore/domain/conversation.hpp"
#include "taskcore/service/input_rules.hpp"
#include "taskcore/service/query_params.hpp"
#include "taskcore/service/task_service.hpp"
#include "taskcore/storage/conversation_repository.hpp"

namespace taskcore {

class ConversationService {
  public:
    explicit ConversationService(ConversationRepository& repository, Clock clock = {});

    // Inputs are validated here; ValidationError lists every problem, including `problems` a
    // decoder already found (see TaskService).
    Conversation create(std::string_view user_id, std::optional<std::string> title,
                        FieldErrors problems = {});
    Conversation get(std::string_view user_id, const Uuid& id);
    Page<Conversation> list(std::string_view user_id, const PageRequest& page);
    // Applies only if `expected` accepts the conversation's version (its updated_at), else
    // PreconditionFailedError; atomically, like TaskService's conditional writes.
    void remove(std::string_view user_id, const Uuid& id, const Precondition& expected = {});

    // Stores the message and bumps the conversation's updated_at; NotFoundError when the
    // conversation does not exist for this user.
    Message add_message(std::string_view user_id, const Uuid& conversation_id, MessageRole role,
                        std::string content, FieldErrors problems = {});
    Page<Message> list_messages(std::string_view user_id, const Uuid& conversation_id,
                                const PageRequest& page);

  private:
    ConversationRepository& repository_;
    Clock clock_;
};

}  // namespace taskcore
