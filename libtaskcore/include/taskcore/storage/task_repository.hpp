// Storage interface for tasks; every method is scoped by the owning user's id.
#pragma once

#include <optional>
#include <string_view>

#include "taskcore/domain/task.hpp"
#include "taskcore/domain/version.hpp"

namespace taskcore {

class TaskRepository {
  public:
    virtual ~TaskRepository() = default;

    virtual void insert(const Task& task) = 0;
    virtual std::optional<Task> find(std::string_view user_id, const Uuid& id) = 0;
    // Items and total come from one consistent snapshot: `query.limit` rows after `query.offset`
    // rows or after `query.after`; one row more is read to set has_more.
    virtual Page<Task> list(std::string_view user_id, const TaskListQuery& query) = 0;
    // One atomic statement; nullopt when the task does not exist for this user or `expected`
    // does not accept its version (the check is part of the statement). `updated_at` becomes
    // max(now, previous updated_at + 1 ms): it never moves backwards and every write gives the
    // task a new version.
    virtual std::optional<Task> update(std::string_view user_id, const Uuid& id,
                                       const TaskPatch& patch, Timestamp now,
                                       const Precondition& expected) = 0;
    // `completed` nullopt toggles; a value sets it. Atomic and conditional, like update().
    virtual std::optional<Task> set_completed(std::string_view user_id, const Uuid& id,
                                              std::optional<bool> completed, Timestamp now,
                                              const Precondition& expected) = 0;
    // True when this call deleted the task (so exactly one of concurrent deletes wins); false
    // also when `expected` does not accept its version.
    virtual bool remove(std::string_view user_id, const Uuid& id, const Precondition& expected) = 0;

    // The unconditional forms.
    std::optional<Task> update(std::string_view user_id, const Uuid& id, const TaskPatch& patch,
                               Timestamp now) {
        return update(user_id, id, patch, now, Precondition{});
    }
    std::optional<Task> set_completed(std::string_view user_id, const Uuid& id,
                                      std::optional<bool> completed, Timestamp now) {
        return set_completed(user_id, id, completed, now, Precondition{});
    }
    bool remove(std::string_view user_id, const Uuid& id) {
        return remove(user_id, id, Precondition{});
    }
};

}  // namespace taskcore
