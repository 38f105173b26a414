// Task value types: the stored task, the fields a client may write, and list queries.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taskcore/domain/enums.hpp"
#include "taskcore/domain/page.hpp"
#include "taskcore/domain/time.hpp"
#include "taskcore/domain/uuid.hpp"

namespace taskcore {

struct Task {
    Uuid id;
    std::string user_id;
    std::string title;
    std::optional<std::string> description;
    bool completed = false;
    Priority priority = Priority::medium;
    std::optional<Timestamp> due_date;
    std::vector<std::string> tags;
    std::optional<Timestamp> completed_at;
    Timestamp created_at;
    Timestamp updated_at;

    bool operator==(const Task&) const = default;
};

// Fields of a create request, already validated and normalised (trimmed).
struct NewTask {
    std::string title;
    std::optional<std::string> description;
    bool completed = false;
    Priority priority = Priority::medium;
    std::optional<Timestamp> due_date;
    std::vector<std::string> tags;
};

// A partial update: an absent optional leaves the field unchanged. For nullable fields the inner
// optional distinguishes "set to null" from "set to a value".
struct TaskPatch {
    std::optional<std::string> title;
    std::optional<std::optional<std::string>> description;
    std::optional<bool> completed;
    std::optional<Priority> priority;
    std::optional<std::optional<Timestamp>> due_date;
    std::optional<std::vector<std::string>> tags;

    [[nodiscard]] bool empty() const {
        return !title && !description && !completed && !priority && !due_date && !tags;
    }
};

enum class StatusFilter { all, pending, completed };
enum class TaskSortKey { created_at, updated_at, due_date, title, priority };
inline constexpr std::array<TaskSortKey, 5> kTaskSortKeys{
    TaskSortKey::created_at, TaskSortKey::updated_at, TaskSortKey::due_date, TaskSortKey::title,
    TaskSortKey::priority};
// The key's name in `sort=` (and in list statement names).
constexpr std::string_view to_string(TaskSortKey key) {
    switch (key) {
        case TaskSortKey::created_at:
            return "created_at";
        case TaskSortKey::updated_at:
            return "updated_at";
        case TaskSortKey::due_date:
            return "due_date";
        case TaskSortKey::title:
            return "title";
        case TaskSortKey::priority:
            return "priority";
    }
    return "created_at";
}

// Where a keyset page of tasks starts: just after the task with this sort value and id.
struct TaskPosition {
    // created_at, updated_at or due_date in ms since the epoch (nullopt: no due date), or the
    // priority's rank (low 0, medium 1, high 2); unused when sorting by title.
    std::optional<std::int64_t> value;
    std::string title;  // when sorting by title
    Uuid id;

    bool operator==(const TaskPosition&) const = default;
};

struct TaskListQuery {
    StatusFilter status = StatusFilter::all;
    std::optional<Priority> priority;
    std::optional<std::string> tag;
    // Already case-folded (see fold_case); matched as a substring of title or description.
    std::optional<std::string> text;
    TaskSortKey sort = TaskSortKey::created_at;
    bool descending = true;
    int limit = 50;
    std::int64_t offset = 0;
    // A keyset page (never together with an offset): the rows after this one in the order above.
    std::optional<TaskPosition> after;
};

}  // namespace taskcore
