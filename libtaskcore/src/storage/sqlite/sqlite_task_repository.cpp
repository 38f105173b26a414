// Task storage on SQLite: every statement filters on user_id; writes are single statements.

#include "sqlite_columns.hpp"
#include "sqlite_store.hpp"
#include "storage/row_decoding.hpp"
#include "storage/shared_sql.hpp"
#include "storage/task_columns.hpp"
#include "taskcore/domain/text.hpp"

namespace taskcore::sqlite {
namespace {

using storage::folded;
using storage::Statement;
using storage::tags_to_json;

// A conditional write's check (storage/shared_sql.hpp, versions_list): NULL (unconditional) or
// a JSON array of accepted updated_at values. Every write moves updated_at 1 ms on at least, so
// it is the row's version.
#define TC_VERSION_IN(n) "(?" #n " IS NULL OR updated_at IN (SELECT value FROM json_each(?" #n ")))"

const Statement kInsert{
    "tasks.insert",
    "INSERT INTO tasks (id, user_id, title, title_folded, description, description_folded, "
    "completed, priority, due_date, tags, completed_at, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};
const Statement kFind{"tasks.find", std::string("SELECT ") + kTaskColumns +
                                        " FROM tasks WHERE user_id = ? AND id = ?"};
const Statement kCounts{"tasks.counts",
                        "SELECT total, completed FROM task_counts WHERE user_id = ?"};
const Statement kDelete{"tasks.delete",
                        "DELETE FROM tasks WHERE user_id = ?1 AND id = ?2 AND " TC_VERSION_IN(3)};
// One UPDATE: each column keeps its value unless its "has" flag is set. SET expressions see the
// row as it was, so completed_at is decided from the previous completed flag.
const Statement kUpdate{
    "tasks.update",
    std::string("UPDATE tasks SET "
                "title = CASE WHEN ?1 THEN ?2 ELSE title END, "
                "title_folded = CASE WHEN ?1 THEN ?3 ELSE title_folded END, "
                "description = CASE WHEN ?4 THEN ?5 ELSE description END, "
                "description_folded = CASE WHEN ?4 THEN ?6 ELSE "
                "description_folded END, "
                "completed_at = CASE WHEN ?7 THEN (CASE WHEN ?8 THEN (CASE "
                "WHEN completed THEN completed_at ELSE ?14 END) ELSE NULL "
                "END) ELSE completed_at END, "
                "completed = CASE WHEN ?7 THEN ?8 ELSE completed END, "
                "priority = CASE WHEN ?9 THEN ?10 ELSE priority END, "
                "due_date = CASE WHEN ?11 THEN ?12 ELSE due_date END, "
                "tags = CASE WHEN ?13 THEN ?15 ELSE tags END, "
                "updated_at = MAX(?14, updated_at + 1) "
                "WHERE user_id = ?16 AND id = ?17 AND " TC_VERSION_IN(18) " RETURNING ") +
        kTaskColumns};
const Statement kSetCompleted{
    "tasks.set_completed",
    std::string("UPDATE tasks SET "
                "completed = COALESCE(?1, NOT completed), "
                "completed_at = CASE WHEN COALESCE(?1, NOT completed) "
                "THEN (CASE WHEN completed THEN completed_at ELSE ?2 END) ELSE NULL END, "
                "updated_at = MAX(?2, updated_at + 1) "
                "WHERE user_id = ?3 AND id = ?4 AND " TC_VERSION_IN(5) " RETURNING ") +
        kTaskColumns};

#undef TC_VERSION_IN

Task read_task(SQLite::Statement& st) {
    return storage::decode_task(SqliteRow{st});
}

std::optional<Task> read_optional_task(SQLite::Statement& st) {
    if (!st.executeStep()) return std::nullopt;
    return read_task(st);
}

void bind_optional_time(SQLite::Statement& st, int index, const std::optional<Timestamp>& t) {
    if (t) {
        st.bind(index, to_unix_ms(*t));
    } else {
        st.bind(index);
    }
}

void bind_optional_text(SQLite::Statement& st, int index, const std::optional<std::string>& s) {
    if (s) {
        st.bind(index, *s);
    } else {
        st.bind(index);
    }
}

std::optional<std::string> versions(const Precondition& expected) {
    return storage::versions_list(expected, storage::Dialect::sqlite);
}

// The filter part of a list query; parameters are bound in the same order by bind_filters.
std::string where_clause(const TaskListQuery& q) {
    std::string sql = " WHERE user_id = ?";
    if (q.status != StatusFilter::all) sql += " AND completed = ?";
    if (q.priority) sql += " AND priority = ?";
    if (q.tag) sql += " AND EXISTS (SELECT 1 FROM json_each(tasks.tags) WHERE json_each.value = ?)";
    if (q.text) sql += " AND (instr(title_folded, ?) > 0 OR instr(description_folded, ?) > 0)";
    return sql;
}

int bind_filters(SQLite::Statement& st, std::string_view user_id, const TaskListQuery& q) {
    int i = 1;
    st.bind(i++, std::string(user_id));
    if (q.status != StatusFilter::all) st.bind(i++, q.status == StatusFilter::completed ? 1 : 0);
    if (q.priority) st.bind(i++, std::string(to_string(*q.priority)));
    if (q.tag) st.bind(i++, *q.tag);
    if (q.text) {
        st.bind(i++, *q.text);
        st.bind(i++, *q.text);
    }
    return i;
}

}  // namespace

void SqliteTaskRepository::insert(const Task& t) {
    pool_.write([&](Connection& c) {
        auto st = c.prepare(kInsert);
        st->bind(1, t.id.to_string());
        st->bind(2, t.user_id);
        st->bind(3, t.title);
        st->bind(4, fold_case(t.title));
        bind_optional_text(*st, 5, t.description);
        bind_optional_text(*st, 6, folded(t.description));
        st->bind(7, t.completed ? 1 : 0);
        st->bind(8, std::string(to_string(t.priority)));
        bind_optional_time(*st, 9, t.due_date);
        st->bind(10, tags_to_json(t.tags));
        bind_optional_time(*st, 11, t.completed_at);
        st->bind(12, to_unix_ms(t.created_at));
        st->bind(13, to_unix_ms(t.updated_at));
        st->exec();
    });
}

std::optional<Task> SqliteTaskRepository::find(std::string_view user_id, const Uuid& id) {
    return pool_.read([&](Connection& c) {
        auto st = c.prepare(kFind);
        st->bind(1, std::string(user_id));
        st->bind(2, id.to_string());
        return read_optional_task(*st);
    });
}

Page<Task> SqliteTaskRepository::list(std::string_view user_id, const TaskListQuery& q) {
    const std::string where = where_clause(q);
    const auto shape = storage::list_shape(q);
    const auto keyset = storage::task_keyset(q, storage::Dialect::sqlite, 0);
    const Statement rows{"tasks.list:" + shape + keyset.shape,
                         std::string("SELECT ") + kTaskColumns + " FROM tasks" + where +
                             keyset.sql + storage::task_order_by(q, storage::Dialect::sqlite) +
                             storage::limit_sql(storage::Dialect::sqlite, 0, q.after.has_value())};
    return pool_.read([&](Connection& c) {
        Page<Task> page;
        Transaction snapshot(c, Transaction::Kind::read);  // count and rows from one snapshot
        if (storage::counts_answer_total(q)) {
            // Only a status filter: the trigger-maintained counts answer without a scan.
            auto st = c.prepare(kCounts);
            st->bind(1, std::string(user_id));
            if (st->executeStep()) {
                page.total = storage::status_total(st->getColumn(0).getInt64(),
                                                   st->getColumn(1).getInt64(), q.status);
            }
        } else {
            auto st = c.prepare({"tasks.count:" + shape, "SELECT COUNT(*) FROM tasks" + where});
            bind_filters(*st, user_id, q);
            st->executeStep();
            page.total = st->getColumn(0).getInt64();
        }
        if (q.offset < page.total) {
            auto st = c.prepare(rows);
            bind_page(*st, bind_filters(*st, user_id, q), keyset, q.limit, q.offset);
            while (st->executeStep()) page.items.push_back(read_task(*st));
        }
        snapshot.commit();
        storage::finish_page(page, q.limit);
        return page;
    });
}

std::optional<Task> SqliteTaskRepository::update(std::string_view user_id, const Uuid& id,
                                                 const TaskPatch& p, Timestamp now,
                                                 const Precondition& expected) {
    return pool_.write([&](Connection& c) {
        auto st = c.prepare(kUpdate);
        st->bind(1, p.title.has_value());
        if (p.title) {
            st->bind(2, *p.title);
            st->bind(3, fold_case(*p.title));
        }
        st->bind(4, p.description.has_value());
        if (p.description) {
            bind_optional_text(*st, 5, *p.description);
            bind_optional_text(*st, 6, folded(*p.description));
        }
        st->bind(7, p.completed.has_value());
        st->bind(8, p.completed.value_or(false));
        st->bind(9, p.priority.has_value());
        if (p.priority) st->bind(10, std::string(to_string(*p.priority)));
        st->bind(11, p.due_date.has_value());
        if (p.due_date) bind_optional_time(*st, 12, *p.due_date);
        st->bind(13, p.tags.has_value());
        st->bind(14, to_unix_ms(now));
        if (p.tags) st->bind(15, tags_to_json(*p.tags));
        st->bind(16, std::string(user_id));
        st->bind(17, id.to_string());
        bind_optional_text(*st, 18, versions(expected));
        return read_optional_task(*st);
    });
}

std::optional<Task> SqliteTaskRepository::set_completed(std::string_view user_id, const Uuid& id,
                                                        std::optional<bool> completed,
                                                        Timestamp now,
                                                        const Precondition& expected) {
    return pool_.write([&](Connection& c) {
        auto st = c.prepare(kSetCompleted);
        if (completed) st->bind(1, *completed ? 1 : 0);
        st->bind(2, to_unix_ms(now));
        st->bind(3, std::string(user_id));
        st->bind(4, id.to_string());
        bind_optional_text(*st, 5, versions(expected));
        return read_optional_task(*st);
    });
}

bool SqliteTaskRepository::remove(std::string_view user_id, const Uuid& id,
                                  const Precondition& expected) {
    return pool_.write([&](Connection& c) {
        auto st = c.prepare(kDelete);
        st->bind(1, std::string(user_id));
        st->bind(2, id.to_string());
        bind_optional_text(*st, 3, versions(expected));
        return st->exec() == 1;
    });
}

}  // namespace taskcore::sqlite
