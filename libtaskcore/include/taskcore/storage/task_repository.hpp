// Storage interface for tasks; every method is scoped by the owning user's id.
#pragma once

#include <optional>
#include <string_view>

#include "taskcore/domain/task.hpp"

namespace taskcore {

class TaskRepository {
  public:
    virtual ~TaskRepository() = default;

    virtual void insert(const Task& task) = 0;
    virtual std::optional<Task> find(std::string_view user_id, const Uuid& id) = 0;
    // Items and total come from one consistent snapshot.
    virtual Page<Task> list(std::string_view user_id, const TaskListQuery& query) = 0;
    // One atomic statement; nullopt when the task does not exist for this user. `updated_at`
    // becomes max(now, previous updated_at) so it never moves backwards.
    virtual std::optional<Task> update(std::string_view user_id, const Uuid& id,
                                       const TaskPatch& patch, Timestamp now) = 0;
    // `completed` nullopt toggles; a value sets it. Atomic, like update().
    virtual std::optional<Task> set_completed(std::string_view user_id, const Uuid& id,
                                              std::optional<bool> completed, Timestamp now) = 0;
    // True when this call deleted the task (so exactly one of concurrent deletes wins).
    virtual bool remove(std::string_view user_id, const Uuid& id) = 0;
};

}  // namespace taskcore
