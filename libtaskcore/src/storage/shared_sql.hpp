// SQL pieces where the two dialects agree: list ordering, list statement names, status totals
// and the tables a user's data lives in.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/statement.hpp"
#include "taskcore/domain/page.hpp"
#include "taskcore/domain/task.hpp"
#include "taskcore/domain/version.hpp"

namespace taskcore::storage {

enum class Dialect { sqlite, postgres };

// " ORDER BY <key> <dir>, tasks.id <dir>": ties by id; tasks without a due date last in both
// directions; titles in byte order on both backends. The id is the table's column (not the
// selected id::text), so PostgreSQL can take the order from the (user_id, created_at, id) index.
std::string task_order_by(const TaskListQuery& query, Dialect dialect);

// The condition of a keyset page, " AND <rows after the position in the list's order>", and
// its parameters in bind order. Placeholders are "?" (SQLite) or "$<first_param>..." with casts
// (PostgreSQL). A Timestamp is bound as ms on SQLite and as RFC 3339 text on PostgreSQL.
using KeysetValue = std::variant<std::int64_t, Timestamp, std::string, Uuid>;
struct KeysetCondition {
    std::string sql;
    std::vector<KeysetValue> values;
    std::string shape;  // for the statement name: "" (no condition), ":after", ":after_undated"
};
// The order of task_order_by; nothing (no condition) without query.after.
KeysetCondition task_keyset(const TaskListQuery& query, Dialect dialect, int first_param);

// " LIMIT <p>" for keyset pages, " LIMIT <p> OFFSET <p+1>" for offset pages: the placeholders
// from `first_param` on (the limit's value is rows_to_read).
std::string limit_sql(Dialect dialect, int first_param, bool keyset);

// The two statements of a list of one table ordered by (column, id) — conversations by
// updated_at newest first, messages by created_at oldest first — built once at start-up.
// `select` ends in its WHERE clause, which takes `filter_params` parameters. Then the offset page
// takes limit and offset; the keyset page the position's time and id, then the limit. The ORDER
// BY names the table's columns: a bare "id" would be PostgreSQL's selected id::text, sorted as
// text instead of read in index order.
struct TimestampList {
    Statement by_offset;
    Statement after;
    [[nodiscard]] const Statement& of(const PageRequest& page) const {
        return page.after ? after : by_offset;
    }
};
TimestampList timestamp_list(const std::string& name, const std::string& select,
                             std::string_view table, std::string_view column, bool descending,
                             Dialect dialect, int filter_params);
// A keyset page's parameter values, in bind order.
inline std::vector<KeysetValue> keyset_values(const KeysetPosition& after) {
    return {after.at, after.id};
}

// Lists read one row more than the page holds: when it comes back, has_more is set and it is
// dropped.
inline std::int64_t rows_to_read(int limit) {
    return std::int64_t{limit} + 1;
}
// Drops the extra row; true when there was one (has_more).
template <typename Items>
bool trim_to_limit(Items& items, int limit) {
    if (items.size() <= static_cast<std::size_t>(limit)) return false;
    items.resize(static_cast<std::size_t>(limit));
    return true;
}
template <typename T>
void finish_page(Page<T>& page, int limit) {
    if (trim_to_limit(page.items, limit)) page.has_more = true;
}

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

// Every table holding a user's rows, children before parents (delete order); the change log
// last, as deleting the others logs their deletion.
inline constexpr std::array<std::string_view, 8> kUserTables{
    "idempotency_keys", "used_event_tickets", "messages", "conversations", "tasks", "task_counts",
    "changes",          "change_counters"};

}  // namespace taskcore::storage
