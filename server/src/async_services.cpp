// Each awaitable call runs its synchronous service call on the blocking pool.
#include "async_services.hpp"

namespace taskcore::server {

AsyncServices::AsyncServices(Store& store, boost::asio::any_io_executor blocking)
    : store_(store),
      blocking_(std::move(blocking)),
      tasks_(store.tasks()),
      conversations_(store.conversations()) {}

Awaitable<Task> AsyncServices::create_task(std::string user, NewTask input, FieldErrors problems) {
    return blocking(
        [this, u = std::move(user), i = std::move(input), p = std::move(problems)]() mutable {
            return tasks_.create(u, std::move(i), std::move(p));
        });
}

Awaitable<Task> AsyncServices::get_task(std::string user, Uuid id) {
    return blocking([this, u = std::move(user), id] { return tasks_.get(u, id); });
}

Awaitable<Page<Task>> AsyncServices::list_tasks(std::string user, TaskListQuery query) {
    return blocking(
        [this, u = std::move(user), q = std::move(query)] { return tasks_.list(u, q); });
}

Awaitable<Task> AsyncServices::update_task(std::string user, Uuid id, TaskPatch patch,
                                           FieldErrors problems) {
    return blocking(
        [this, u = std::move(user), id, pt = std::move(patch), p = std::move(problems)]() mutable {
            return tasks_.update(u, id, std::move(pt), std::move(p));
        });
}

Awaitable<Task> AsyncServices::set_completed(std::string user, Uuid id,
                                             std::optional<bool> completed) {
    return blocking([this, u = std::move(user), id, completed] {
        return tasks_.set_completed(u, id, completed);
    });
}

Awaitable<void> AsyncServices::remove_task(std::string user, Uuid id) {
    return blocking([this, u = std::move(user), id] { tasks_.remove(u, id); });
}

Awaitable<Conversation> AsyncServices::create_conversation(std::string user,
                                                           std::optional<std::string> title,
                                                           FieldErrors problems) {
    return blocking(
        [this, u = std::move(user), t = std::move(title), p = std::move(problems)]() mutable {
            return conversations_.create(u, std::move(t), std::move(p));
        });
}

Awaitable<Conversation> AsyncServices::get_conversation(std::string user, Uuid id) {
    return blocking([this, u = std::move(user), id] { return conversations_.get(u, id); });
}

Awaitable<Page<Conversation>> AsyncServices::list_conversations(std::string user,
                                                                PageRequest page) {
    return blocking([this, u = std::move(user), page] { return conversations_.list(u, page); });
}

Awaitable<void> AsyncServices::remove_conversation(std::string user, Uuid id) {
    return blocking([this, u = std::move(user), id] { conversations_.remove(u, id); });
}

Awaitable<Message> AsyncServices::add_message(std::string user, Uuid conversation_id,
                                              MessageRole role, std::string content,
                                              FieldErrors problems) {
    return blocking([this, u = std::move(user), conversation_id, role, c = std::move(content),
                     p = std::move(problems)]() mutable {
        return conversations_.add_message(u, conversation_id, role, std::move(c), std::move(p));
    });
}

Awaitable<Page<Message>> AsyncServices::list_messages(std::string user, Uuid conversation_id,
                                                      PageRequest page) {
    return blocking([this, u = std::move(user), conversation_id, page] {
        return conversations_.list_messages(u, conversation_id, page);
    });
}

Awaitable<void> AsyncServices::ping() {
    return blocking([this] { store_.ping(); });
}

}  // namespace taskcore::server
