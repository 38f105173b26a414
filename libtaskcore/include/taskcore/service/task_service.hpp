// Task use cases: validated input in, repository calls, NotFoundError for missing tasks.
#pragma once

#include <functional>
#include <string_view>

#include "taskcore/domain/task.hpp"
#include "taskcore/storage/task_repository.hpp"

namespace taskcore {

using Clock = std::function<Timestamp()>;

class TaskService {
  public:
    // An empty clock means now_ms().
    explicit TaskService(TaskRepository& repository, Clock clock = {});

    Task create(std::string_view user_id, const NewTask& input);
    Task get(std::string_view user_id, const Uuid& id);
    Page<Task> list(std::string_view user_id, const TaskListQuery& query);
    // An empty patch changes nothing (and does not touch updated_at).
    Task update(std::string_view user_id, const Uuid& id, const TaskPatch& patch);
    // nullopt toggles.
    Task set_completed(std::string_view user_id, const Uuid& id, std::optional<bool> completed);
    void remove(std::string_view user_id, const Uuid& id);

  private:
    TaskRepository& repository_;
    Clock clock_;
};

}  // namespace taskcore
