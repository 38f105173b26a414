// Task storage on PostgreSQL: single statements (autocommit) for writes, one read-only
// REPEATABLE READ snapshot for a list's count and page; every statement filters on user_id.

#include "pg_store.hpp"
#include "storage/row_decoding.hpp"
#include "storage/shared_sql.hpp"
#include "storage/task_columns.hpp"
#include "taskcore/domain/text.hpp"

namespace taskcore::postgres {
namespace {

using storage::folded;
using storage::Statement;
using storage::tags_to_json;

#define TC_MILLIS(column) "(extract(epoch FROM " column ") * 1000)::bigint"
constexpr const char* kColumns =
    "id::text, user_id, title, description, completed, priority, " TC_MILLIS("due_date") ", "
    "tags::text, " TC_MILLIS("completed_at") ", " TC_MILLIS("created_at") ", " TC_MILLIS("updated_at");
#undef TC_MILLIS

const Statement kInsert{
    "tasks.insert",
    "INSERT INTO tasks (id, user_id, title, title_folded, description, description_folded, "
    "completed, priority, due_date, tags, completed_at, created_at, updated_at) VALUES ($1::uuid, "
    "$2, $3, $4, $5, $6, $7::boolean, $8, $9::timestamptz, $10::jsonb, $11::timestamptz, "
    "$12::timestamptz, $13::timestamptz)"};

const Statement kFind{"tasks.find", std::string("SELECT ") + kColumns +
                                        " FROM tasks WHERE user_id = $1 AND id = $2::uuid"};

// Each column keeps its value unless its "has" flag is set; SET expressions see the old row, and
// concurrent updates of one row re-evaluate against the committed version (no lost updates).
const Statement kUpdate{
    "tasks.update",
    std::string(
        "UPDATE tasks SET "
        "title = CASE WHEN $1::boolean THEN $2 ELSE title END, "
        "title_folded = CASE WHEN $1::boolean THEN $3 ELSE title_folded END, "
        "description = CASE WHEN $4::boolean THEN $5 ELSE description END, "
        "description_folded = CASE WHEN $4::boolean THEN $6 ELSE description_folded END, "
        "completed_at = CASE WHEN $7::boolean THEN (CASE WHEN $8::boolean THEN (CASE WHEN "
        "completed THEN completed_at ELSE $14::timestamptz END) ELSE NULL END) ELSE completed_at "
        "END, "
        "completed = CASE WHEN $7::boolean THEN $8::boolean ELSE completed END, "
        "priority = CASE WHEN $9::boolean THEN $10 ELSE priority END, "
        "due_date = CASE WHEN $11::boolean THEN $12::timestamptz ELSE due_date END, "
        "tags = CASE WHEN $13::boolean THEN $15::jsonb ELSE tags END, "
        "updated_at = GREATEST($14::timestamptz, updated_at) "
        "WHERE user_id = $16 AND id = $17::uuid RETURNING ") +
        kColumns};

const Statement kSetCompleted{
    "tasks.set_completed",
    std::string(
        "UPDATE tasks SET "
        "completed = COALESCE($1::boolean, NOT completed), "
        "completed_at = CASE WHEN COALESCE($1::boolean, NOT completed) "
        "THEN (CASE WHEN completed THEN completed_at ELSE $2::timestamptz END) ELSE NULL END, "
        "updated_at = GREATEST($2::timestamptz, updated_at) "
        "WHERE user_id = $3 AND id = $4::uuid RETURNING ") +
        kColumns};

const Statement kDelete{"tasks.delete", "DELETE FROM tasks WHERE user_id = $1 AND id = $2::uuid"};
const Statement kCounts{"tasks.counts",
                        "SELECT total, completed FROM task_counts WHERE user_id = $1"};

Task read_task(const pqxx::row& r) {
    return storage::decode_task(PgRow{r});
}

std::optional<Task> first_task(const pqxx::result& result) {
    if (result.empty()) return std::nullopt;
    return read_task(result[0]);
}

// Filters of a list query; appends their parameters to `params` in placeholder order.
std::string where_clause(std::string_view user_id, const TaskListQuery& q, Params& params) {
    params.text(user_id);
    std::string sql = " WHERE user_id = $1";
    int n = 1;
    auto next = [&] {
        std::string placeholder =
            "$";  // built in two steps: GCC 12's -Wrestrict misfires on "$" + ...
        placeholder += std::to_string(++n);
        return placeholder;
    };
    if (q.status != StatusFilter::all) {
        sql += " AND completed = " + next() + "::boolean";
        params.boolean(q.status == StatusFilter::completed);
    }
    if (q.priority) {
        sql += " AND priority = " + next();
        params.text(to_string(*q.priority));
    }
    if (q.tag) {
        sql += " AND tags @> jsonb_build_array(" + next() + "::text)";
        params.text(*q.tag);
    }
    if (q.text) {
        const auto p = next();
        sql += " AND (strpos(title_folded, " + p + ") > 0 OR strpos(description_folded, " + p +
               ") > 0)";
        params.text(*q.text);
    }
    return sql;
}

}  // namespace

void PgTaskRepository::insert(const Task& t) {
    Params p;
    p.text(t.id.to_string()).text(t.user_id).text(t.title).text(fold_case(t.title));
    p.nullable_text(t.description).nullable_text(folded(t.description)).boolean(t.completed);
    p.text(to_string(t.priority)).nullable_time(t.due_date).text(tags_to_json(t.tags));
    p.nullable_time(t.completed_at).time(t.created_at).time(t.updated_at);
    // Not retried on a broken connection: the row may have been stored.
    pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        c.exec(tx, kInsert, p);
    });
}

std::optional<Task> PgTaskRepository::find(std::string_view user_id, const Uuid& id) {
    Params p;
    p.text(user_id).text(id.to_string());
    return pool_.run(true, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return first_task(c.exec(tx, kFind, p));
    });
}

Page<Task> PgTaskRepository::list(std::string_view user_id, const TaskListQuery& q) {
    Params filters;
    const std::string where = where_clause(user_id, q, filters);
    const auto shape = storage::list_shape(q);
    const Statement count_sql{"tasks.count:" + shape, "SELECT COUNT(*) FROM tasks" + where};
    Params page_params = filters;
    const auto n = filters.size();
    const std::string page_clause = storage::task_order_by(q, storage::Dialect::postgres) +
                                    " LIMIT $" + std::to_string(n + 1) + "::bigint OFFSET $" +
                                    std::to_string(n + 2) + "::bigint";
    const Statement rows_sql{"tasks.list:" + shape, std::string("SELECT ") + kColumns +
                                                        " FROM tasks" + where + page_clause};
    // With only a status filter the trigger-maintained counts give the total, and one statement
    // (one snapshot, one round trip) returns the page together with them.
    const bool counts_answer = storage::counts_answer_total(q);
    const Statement rows_with_counts_sql{
        "tasks.list_with_counts:" + shape,
        std::string("SELECT ") + kColumns +
            ", (SELECT total FROM task_counts WHERE user_id = $1), (SELECT completed FROM "
            "task_counts WHERE user_id = $1) FROM tasks" +
            where + page_clause};
    page_params.integer(q.limit).integer(q.offset);
    Params user_only;
    user_only.text(user_id);
    auto total_from = [&](std::int64_t total, std::int64_t completed) {
        return storage::status_total(total, completed, q.status);
    };
    return pool_.run(true, [&](Connection& c) {
        Page<Task> page;
        if (counts_answer) {
            pqxx::nontransaction tx(c.raw());
            const auto rows = c.exec(tx, rows_with_counts_sql, page_params);
            if (!rows.empty()) {
                page.total =
                    total_from(rows[0][11].as<std::int64_t>(), rows[0][12].as<std::int64_t>());
                for (const auto& row : rows) page.items.push_back(read_task(row));
                return page;
            }
            // An empty page (no tasks, or offset past the end): the snapshot path below.
        }
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c.raw());
        if (counts_answer) {
            const auto r = c.exec(tx, kCounts, user_only);
            if (!r.empty())
                page.total = total_from(r[0][0].as<std::int64_t>(), r[0][1].as<std::int64_t>());
        } else {
            page.total = c.exec(tx, count_sql, filters)[0][0].as<std::int64_t>();
        }
        if (q.offset < page.total) {
            for (const auto& row : c.exec(tx, rows_sql, page_params))
                page.items.push_back(read_task(row));
        }
        tx.commit();
        return page;
    });
}

std::optional<Task> PgTaskRepository::update(std::string_view user_id, const Uuid& id,
                                             const TaskPatch& patch, Timestamp now) {
    Params p;
    p.boolean(patch.title.has_value())
        .nullable_text(patch.title)
        .nullable_text(folded(patch.title));
    p.boolean(patch.description.has_value());
    if (patch.description) {
        p.nullable_text(*patch.description).nullable_text(folded(*patch.description));
    } else {
        p.null().null();
    }
    p.boolean(patch.completed.has_value()).boolean(patch.completed.value_or(false));
    p.boolean(patch.priority.has_value());
    if (patch.priority) {
        p.text(to_string(*patch.priority));
    } else {
        p.null();
    }
    p.boolean(patch.due_date.has_value());
    if (patch.due_date) {
        p.nullable_time(*patch.due_date);
    } else {
        p.null();
    }
    p.boolean(patch.tags.has_value()).time(now);
    if (patch.tags) {
        p.text(tags_to_json(*patch.tags));
    } else {
        p.null();
    }
    p.text(user_id).text(id.to_string());
    // Setting fields to given values is idempotent, so a broken connection may retry it.
    return pool_.run(true, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return first_task(c.exec(tx, kUpdate, p));
    });
}

std::optional<Task> PgTaskRepository::set_completed(std::string_view user_id, const Uuid& id,
                                                    std::optional<bool> completed, Timestamp now) {
    Params p;
    if (completed) {
        p.boolean(*completed);
    } else {
        p.null();
    }
    p.time(now).text(user_id).text(id.to_string());
    // A toggle applied twice undoes itself: retry only explicit sets.
    return pool_.run(completed.has_value(), [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return first_task(c.exec(tx, kSetCompleted, p));
    });
}

bool PgTaskRepository::remove(std::string_view user_id, const Uuid& id) {
    Params p;
    p.text(user_id).text(id.to_string());
    return pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return c.exec(tx, kDelete, p).affected_rows() == 1;
    });
}

}  // namespace taskcore::postgres
