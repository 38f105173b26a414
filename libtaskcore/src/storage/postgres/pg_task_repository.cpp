// Task storage on PostgreSQL: single statements (autocommit) for writes, one read-only
// REPEATABLE READ snapshot for a list's count and page; every statement filters on user_id.

#include "pg_statements.hpp"
#include "pg_store.hpp"
#include "storage/row_decoding.hpp"
#include "storage/shared_sql.hpp"
#include "storage/task_columns.hpp"
#include "taskcore/domain/text.hpp"

namespace taskcore::postgres {
namespace {

using storage::folded;
using storage::tags_to_json;

Task read_task(const pqxx::row& r) {
    return storage::decode_task(PgRow{r});
}

std::optional<std::string> versions(const Precondition& expected) {
    return storage::versions_list(expected, storage::Dialect::postgres);
}

std::optional<Task> first_task(const pqxx::result& result) {
    if (result.empty()) return std::nullopt;
    return read_task(result[0]);
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
        c.exec(tx, sql::kTaskInsert, p);
    });
}

std::optional<Task> PgTaskRepository::find(std::string_view user_id, const Uuid& id) {
    Params p;
    p.text(user_id).text(id.to_string());
    return pool_.run(true, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return first_task(c.exec(tx, sql::kTaskFind, p));
    });
}

Page<Task> PgTaskRepository::list(std::string_view user_id, const TaskListQuery& q) {
    const auto s = sql::task_list(user_id, q);
    auto total_from = [&](std::int64_t total, std::int64_t completed) {
        return storage::status_total(total, completed, q.status);
    };
    return pool_.run(true, [&](Connection& c) {
        Page<Task> page;
        if (s.counts_answer) {
            pqxx::nontransaction tx(c.raw());
            const auto rows = c.exec(tx, s.rows_with_counts, s.page);
            if (!rows.empty()) {
                page.total = total_from(rows[0][sql::kCountsColumn].as<std::int64_t>(),
                                        rows[0][sql::kCountsColumn + 1].as<std::int64_t>());
                for (const auto& row : rows) page.items.push_back(read_task(row));
                storage::finish_page(page, q.limit);
                return page;
            }
            // An empty page (no tasks, or offset past the end): the snapshot path below.
        }
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c.raw());
        if (s.counts_answer) {
            const auto r = c.exec(tx, sql::kTaskCounts, s.user_only);
            if (!r.empty())
                page.total = total_from(r[0][0].as<std::int64_t>(), r[0][1].as<std::int64_t>());
        } else {
            page.total = c.exec(tx, s.count, s.filters)[0][0].as<std::int64_t>();
        }
        if (q.offset < page.total) {
            for (const auto& row : c.exec(tx, s.rows, s.page)) page.items.push_back(read_task(row));
        }
        tx.commit();
        storage::finish_page(page, q.limit);
        return page;
    });
}

std::optional<Task> PgTaskRepository::update(std::string_view user_id, const Uuid& id,
                                             const TaskPatch& patch, Timestamp now,
                                             const Precondition& expected) {
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
    p.text(user_id).text(id.to_string()).nullable_text(versions(expected));
    // Setting fields to given values is idempotent, so a broken connection may retry it.
    return pool_.run(true, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return first_task(c.exec(tx, sql::kTaskUpdate, p));
    });
}

std::optional<Task> PgTaskRepository::set_completed(std::string_view user_id, const Uuid& id,
                                                    std::optional<bool> completed, Timestamp now,
                                                    const Precondition& expected) {
    Params p;
    if (completed) {
        p.boolean(*completed);
    } else {
        p.null();
    }
    p.time(now).text(user_id).text(id.to_string()).nullable_text(versions(expected));
    // A toggle applied twice undoes itself: retry only explicit sets.
    return pool_.run(completed.has_value(), [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return first_task(c.exec(tx, sql::kTaskSetCompleted, p));
    });
}

bool PgTaskRepository::remove(std::string_view user_id, const Uuid& id,
                              const Precondition& expected) {
    Params p;
    p.text(user_id).text(id.to_string()).nullable_text(versions(expected));
    return pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return c.exec(tx, sql::kTaskDelete, p).affected_rows() == 1;
    });
}

}  // namespace taskcore::postgres
