// Dialect-neutral SQL building for list queries.
#include "storage/shared_sql.hpp"

namespace taskcore::storage {

std::string task_order_by(const TaskListQuery& q, Dialect dialect) {
    const std::string dir = q.descending ? " DESC" : " ASC";
    // SQLite compares text bytewise already; PostgreSQL needs the "C" collation for that.
    const std::string bytes = dialect == Dialect::postgres ? " COLLATE \"C\"" : "";
    std::string key;
    switch (q.sort) {
        case TaskSortKey::created_at:
            key = "created_at" + dir;
            break;
        case TaskSortKey::updated_at:
            key = "updated_at" + dir;
            break;
        case TaskSortKey::due_date:
            key = "due_date IS NULL, due_date" + dir;
            break;
        case TaskSortKey::title:
            key = "title_folded" + bytes + dir + ", title" + bytes + dir;
            break;
        case TaskSortKey::priority:
            key = "CASE priority WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END" + dir;
            break;
    }
    return " ORDER BY " + key + ", tasks.id" + dir;
}

std::string list_shape(const TaskListQuery& q) {
    std::string shape;
    auto add = [&](std::string_view part) {
        if (!shape.empty()) shape += '.';
        shape += part;
    };
    if (q.status != StatusFilter::all) add("status");
    if (q.priority) add("priority");
    if (q.tag) add("tag");
    if (q.text) add("q");
    shape += q.descending ? ";-" : ";";
    shape += to_string(q.sort);
    return shape;
}

bool counts_answer_total(const TaskListQuery& q) {
    return !q.priority && !q.tag && !q.text;
}

std::int64_t status_total(std::int64_t total, std::int64_t completed, StatusFilter status) {
    switch (status) {
        case StatusFilter::completed:
            return completed;
        case StatusFilter::pending:
            return total - completed;
        case StatusFilter::all:
            break;
    }
    return total;
}

std::optional<std::string> versions_list(const Precondition& expected, Dialect dialect) {
    if (expected.unconditional()) return std::nullopt;
    std::string out(1, dialect == Dialect::postgres ? '{' : '[');
    for (const auto version : *expected.versions) {
        if (out.size() > 1) out += ',';
        out += std::to_string(to_unix_ms(version));
    }
    out += dialect == Dialect::postgres ? '}' : ']';
    return out;
}

}  // namespace taskcore::storage
