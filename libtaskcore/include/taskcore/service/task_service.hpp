// Task use cases: every input validated here (input_rules.hpp), then one repository call;
// NotFoundError for a task that does not exist for this user.
#pragma once

#include <functional>
#include <string_view>

#include "taskcore/domain/task.hpp"
#include "taskcore/domain/version.hpp"
#include "taskcore/service/input_rules.hpp"
#include "taskcore/storage/task_repository.hpp"

namespace taskcore {

using Clock = std::function<Timestamp()>;

class TaskService {
  public:
    // An empty clock means now_ms().
    explicit TaskService(TaskRepository& repository, Clock clock = {});

    // Every method validates its input and throws ValidationError listing every problem.
    // `problems`: what a decoder already found (wrong types, unknown fields), reported together
    // with the broken rules so a caller sees everything at once.
    Task create(std::string_view user_id, NewTask input, FieldErrors problems = {});
    Task get(std::string_view user_id, const Uuid& id);
    Page<Task> list(std::string_view user_id, const TaskListQuery& query);
    // The writes below apply only if `expected` accepts the task's current version (atomically:
    // the check is part of the write), else PreconditionFailedError names the current version;
    // a task that does not exist for this user is NotFoundError either way.
    // An empty patch changes nothing (and does not touch updated_at).
    Task update(std::string_view user_id, const Uuid& id, TaskPatch patch,
                FieldErrors problems = {}, const Precondition& expected = {});
    // nullopt toggles.
    Task set_completed(std::string_view user_id, const Uuid& id, std::optional<bool> completed,
                       const Precondition& expected = {});
    void remove(std::string_view user_id, const Uuid& id, const Precondition& expected = {});

  private:
    // After a conditional write changed nothing: NotFoundError or PreconditionFailedError.
    [[noreturn]] void refuse(std::string_view user_id, const Uuid& id,
                             const Precondition& expected);

    TaskRepository& repository_;
    Clock clock_;
};

}  // namespace taskcore
