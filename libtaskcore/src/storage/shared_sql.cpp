// Dialect-neutral SQL building for list queries.
#include "storage/shared_sql.hpp"

#include "taskcore/domain/text.hpp"

namespace taskcore::storage {
namespace {

// Numbers the placeholders of one condition and collects their values.
class KeysetBuilder {
  public:
    KeysetBuilder(Dialect dialect, int first_param) : dialect_(dialect), next_(first_param) {}

    std::string add(KeysetValue value) {
        std::string placeholder = "?";
        if (dialect_ == Dialect::postgres) {
            placeholder = "$" + std::to_string(next_++);
            if (std::holds_alternative<std::int64_t>(value)) placeholder += "::bigint";
            if (std::holds_alternative<Timestamp>(value)) placeholder += "::timestamptz";
            if (std::holds_alternative<Uuid>(value)) placeholder += "::uuid";
        }
        out_.values.push_back(std::move(value));
        return placeholder;
    }
    KeysetCondition finish(std::string sql, std::string_view shape = ":after") {
        out_.sql = " AND " + std::move(sql);
        out_.shape = shape;
        return std::move(out_);
    }

  private:
    Dialect dialect_;
    int next_;
    KeysetCondition out_;
};

std::string collated(std::string_view column, Dialect dialect) {
    std::string out(column);
    if (dialect == Dialect::postgres) out += " COLLATE \"C\"";
    return out;
}

constexpr const char* kPriorityRank =
    "CASE priority WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END";

}  // namespace

KeysetCondition task_keyset(const TaskListQuery& q, Dialect dialect, int first_param) {
    if (!q.after) return {};
    const auto& after = *q.after;
    // Row comparison: "(a, b, id) < (x, y, z)" is the lexicographic order the index scans in.
    const std::string op = q.descending ? " < " : " > ";
    KeysetBuilder b(dialect, first_param);
    auto row_after = [&](const std::string& columns, std::vector<KeysetValue> values) {
        std::string placeholders;
        for (auto& v : values) {
            if (!placeholders.empty()) placeholders += ", ";
            placeholders += b.add(std::move(v));
        }
        placeholders += ", " + b.add(after.id);
        return "(" + columns + ", tasks.id)" + op + "(" + placeholders + ")";
    };
    const auto at = [&] { return from_unix_ms(after.value.value_or(0)); };
    switch (q.sort) {
        case TaskSortKey::created_at:
            return b.finish(row_after("created_at", {at()}));
        case TaskSortKey::updated_at:
            return b.finish(row_after("updated_at", {at()}));
        case TaskSortKey::due_date:
            // Tasks without a due date come last in both directions, by id among themselves.
            if (!after.value) {
                return b.finish("(due_date IS NULL AND tasks.id" + op + b.add(after.id) + ")",
                                ":after_undated");
            }
            return b.finish("(due_date IS NULL OR " + row_after("due_date", {at()}) + ")");
        case TaskSortKey::title:
            return b.finish(
                row_after(collated("title_folded", dialect) + ", " + collated("title", dialect),
                          {fold_case(after.title), after.title}));
        case TaskSortKey::priority:
            return b.finish(row_after(kPriorityRank, {after.value.value_or(0)}));
    }
    return {};
}

std::string limit_sql(Dialect dialect, int first_param, bool keyset) {
    if (dialect == Dialect::sqlite) return keyset ? " LIMIT ?" : " LIMIT ? OFFSET ?";
    std::string sql = " LIMIT $" + std::to_string(first_param) + "::bigint";
    if (!keyset) sql += " OFFSET $" + std::to_string(first_param + 1) + "::bigint";
    return sql;
}

TimestampList timestamp_list(const std::string& name, const std::string& select,
                             std::string_view table, std::string_view column, bool descending,
                             Dialect dialect, int filter_params) {
    const std::string dir = descending ? " DESC" : "";
    const std::string qualified = std::string(table) + ".";
    const std::string order =
        " ORDER BY " + qualified + std::string(column) + dir + ", " + qualified + "id" + dir;
    // The placeholders only: the position's values are bound per request (keyset_values).
    KeysetBuilder b(dialect, filter_params + 1);
    const auto at = b.add(Timestamp{});
    const auto id = b.add(Uuid{});
    const auto condition = b.finish("(" + std::string(column) + ", id)" +
                                    (descending ? " < (" : " > (") + at + ", " + id + ")");
    return {{name, select + order + limit_sql(dialect, filter_params + 1, false)},
            {name + condition.shape,
             select + condition.sql + order + limit_sql(dialect, filter_params + 3, true)}};
}

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
            key = kPriorityRank + dir;
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
