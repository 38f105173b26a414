// SQL pieces where the two dialects agree: list ordering, list statement names, status totals
// and the tables a user's data lives in.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "taskcore/domain/task.hpp"
#include "taskcore/domain/version.hpp"

namespace taskcore::storage {

enum class Dialect { sqlite, postgres };

// " ORDER BY <key> <dir>, tasks.id <dir>": ties by id; tasks without a due date last in both
// directions; titles in byte order on both backends. The id is the table's column (not the
// selected id::text), so PostgreSQL can take the order from the (user_id, created_at, id) index.
std::string task_order_by(const TaskListQuery& query, Dialect dialect);

// The filters and sort of a list query as a name suffix, e.g. "status.tag;-created_at": the
// statement name of every list shape is chosen by the code from its shape.
std::string list_shape(const TaskListQuery& query);

// True when the per-user counts (task_counts) answer the list's total: no filter but status.
bool counts_answer_total(const TaskListQuery& query);

// The total a status filter selects, from the per-user counts.
std::int64_t status_total(std::int64_t total, std::int64_t completed, StatusFilter status);

// The parameter of a conditional write's version check: nullopt (SQL NULL) when unconditional,
// else the accepted updated_at milliseconds as a PostgreSQL bigint[] literal "{1,2}" or, for
// SQLite's json_each, a JSON array "[1,2]".
std::optional<std::string> versions_list(const Precondition& expected, Dialect dialect);

// Every table holding a user's rows, children before parents (delete order).
inline constexpr std::array<std::string_view, 5> kUserTables{
    "idempotency_keys", "messages", "conversations", "tasks", "task_counts"};

}  // namespace taskcore::storage
