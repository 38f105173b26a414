// Task use cases.
#include "taskcore/service/task_service.hpp"

#include "taskcore/domain/errors.hpp"

namespace taskcore {

TaskService::TaskService(TaskRepository& repository, Clock clock)
    : repository_(repository), clock_(clock ? std::move(clock) : Clock(now_ms)) {}

Task TaskService::create(std::string_view user_id, NewTask input, FieldErrors problems) {
    check_user_id(user_id);
    check_new_task(input, problems);
    throw_if_any(std::move(problems));
    const auto now = clock_();
    Task task;
    task.id = generate_uuid_v7();
    task.user_id = std::string(user_id);
    task.title = std::move(input.title);
    task.description = std::move(input.description);
    task.completed = input.completed;
    task.priority = input.priority;
    task.due_date = input.due_date;
    task.tags = std::move(input.tags);
    if (input.completed) task.completed_at = now;
    task.created_at = now;
    task.updated_at = now;
    repository_.insert(task);
    return task;
}

Task TaskService::get(std::string_view user_id, const Uuid& id) {
    check_user_id(user_id);
    auto task = repository_.find(user_id, id);
    if (!task) throw NotFoundError("task not found");
    return std::move(*task);
}

Page<Task> TaskService::list(std::string_view user_id, const TaskListQuery& query) {
    check_user_id(user_id);
    check_page(query.limit, query.offset, query.after.has_value());
    return repository_.list(user_id, query);
}

Task TaskService::update(std::string_view user_id, const Uuid& id, TaskPatch patch,
                         FieldErrors problems, const Precondition& expected) {
    check_user_id(user_id);
    check_task_patch(patch, problems);
    throw_if_any(std::move(problems));
    if (patch.empty()) {
        auto task = get(user_id, id);
        if (!expected.accepts(task.updated_at)) throw PreconditionFailedError(task.updated_at);
        return task;
    }
    auto task = repository_.update(user_id, id, patch, clock_(), expected);
    if (!task) refuse(user_id, id, expected);
    return std::move(*task);
}

Task TaskService::set_completed(std::string_view user_id, const Uuid& id,
                                std::optional<bool> completed, const Precondition& expected) {
    check_user_id(user_id);
    auto task = repository_.set_completed(user_id, id, completed, clock_(), expected);
    if (!task) refuse(user_id, id, expected);
    return std::move(*task);
}

void TaskService::remove(std::string_view user_id, const Uuid& id, const Precondition& expected) {
    check_user_id(user_id);
    if (!repository_.remove(user_id, id, expected)) refuse(user_id, id, expected);
}

void TaskService::refuse(std::string_view user_id, const Uuid& id, const Precondition& expected) {
    // The write matched no row: either no such task, or (conditional) another version. Reading
    // afterwards only decides which error to report; the write itself was already refused.
    const auto current = repository_.find(user_id, id);
    if (!current || expected.unconditional()) throw NotFoundError("task not found");
    throw PreconditionFailedError(current->updated_at);
}

}  // namespace taskcore
