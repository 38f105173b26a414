// The SQL texts of the PostgreSQL backend (see pg_statements.hpp).
#include "pg_statements.hpp"

#include "storage/shared_sql.hpp"

namespace taskcore::postgres::sql {
namespace {

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

// Keyset values as text parameters (their placeholders carry the casts).
void bind(Params& params, const storage::KeysetCondition& keyset) {
    for (const auto& value : keyset.values) {
        if (const auto* n = std::get_if<std::int64_t>(&value)) params.integer(*n);
        if (const auto* t = std::get_if<Timestamp>(&value)) params.time(*t);
        if (const auto* s = std::get_if<std::string>(&value)) params.text(*s);
        if (const auto* id = std::get_if<Uuid>(&value)) params.text(id->to_string());
    }
}

// Binds a page's limit (one row more than the page, storage::rows_to_read) and, for offset
// pages, its offset, after the keyset values if any; returns the matching SQL.
std::string limit_clause(Params& params, int limit, std::int64_t offset, bool keyset) {
    auto sql =
        storage::limit_sql(storage::Dialect::postgres, static_cast<int>(params.size()) + 1, keyset);
    params.integer(storage::rows_to_read(limit));
    if (!keyset) params.integer(offset);
    return sql;
}

}  // namespace

// Milliseconds since the epoch. `AT TIME ZONE 'UTC'` gives the same value as on the timestamptz
// itself, but is immutable, which Citus requires of anything in RETURNING. date_part() computes
// in double precision where extract() computes in numeric: the same bigint for every
// millisecond of the years 0001-9999 (the only times stored; checked on 2,000,000 random ones),
// and about a third less database CPU per 50-row list page (pgbench, 2026-12-03).
#define TC_MILLIS(column) "(date_part('epoch', " column " AT TIME ZONE 'UTC') * 1000)::bigint"
// A conditional write's check (storage/shared_sql.hpp, versions_list): the parameter is NULL
// (unconditional) or a bigint[] of accepted updated_at milliseconds.
#define TC_VERSION_IN(param) \
    "(" param "::bigint[] IS NULL OR " TC_MILLIS("updated_at") " = ANY(" param "::bigint[]))"
// A write's new updated_at: never backwards, and 1 ms past the previous one at least, so every
// write makes a new version. Written with the immutable timestamp (not timestamptz) + interval:
// Citus refuses STABLE functions on columns in an UPDATE.
#define TC_NEXT_VERSION(now)                                                       \
    "GREATEST(" now                                                                \
    "::timestamptz, ((updated_at AT TIME ZONE 'UTC') + interval '1 millisecond') " \
    "AT TIME ZONE 'UTC')"
constexpr const char* kTaskColumns =
    "id::text, user_id, title, description, completed, priority, " TC_MILLIS("due_date") ", "
    "tags::text, " TC_MILLIS("completed_at") ", " TC_MILLIS("created_at") ", " TC_MILLIS("updated_at");

const Statement kTaskInsert{
    "tasks.insert",
    "INSERT INTO tasks (id, user_id, title, title_folded, description, description_folded, "
    "completed, priority, due_date, tags, completed_at, created_at, updated_at) VALUES ($1::uuid, "
    "$2, $3, $4, $5, $6, $7::boolean, $8, $9::timestamptz, $10::jsonb, $11::timestamptz, "
    "$12::timestamptz, $13::timestamptz)"};

const Statement kTaskFind{"tasks.find", std::string("SELECT ") + kTaskColumns +
                                            " FROM tasks WHERE user_id = $1 AND id = $2::uuid"};

// Each column keeps its value unless its "has" flag is set; SET expressions see the old row, and
// concurrent updates of one row re-evaluate against the committed version (no lost updates).
const Statement kTaskUpdate{
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
        "updated_at = " TC_NEXT_VERSION(
            "$14") " "
                   "WHERE user_id = $16 AND id = $17::uuid AND " TC_VERSION_IN(
                       "$18") " RETURNING ") +
        kTaskColumns};

const Statement kTaskSetCompleted{
    "tasks.set_completed",
    std::string(
        "UPDATE tasks SET "
        "completed = COALESCE($1::boolean, NOT completed), "
        "completed_at = CASE WHEN COALESCE($1::boolean, NOT completed) "
        "THEN (CASE WHEN completed THEN completed_at ELSE $2::timestamptz END) ELSE NULL END, "
        "updated_at = " TC_NEXT_VERSION(
            "$2") " "
                  "WHERE user_id = $3 AND id = $4::uuid AND " TC_VERSION_IN("$5") " RETURNING ") +
        kTaskColumns};

const Statement kTaskDelete{
    "tasks.delete",
    "DELETE FROM tasks WHERE user_id = $1 AND id = $2::uuid AND " TC_VERSION_IN("$3")};
const Statement kTaskCounts{"tasks.counts",
                            "SELECT total, completed FROM task_counts WHERE user_id = $1"};

constexpr const char* kConversationColumns =
    "id::text, user_id, title, " TC_MILLIS("created_at") ", " TC_MILLIS("updated_at");
constexpr const char* kMessageColumns =
    "id::text, user_id, conversation_id::text, role, content, " TC_MILLIS("created_at");

const Statement kConversationInsert{
    "conversations.insert",
    "INSERT INTO conversations (id, user_id, title, created_at, updated_at) "
    "VALUES ($1::uuid, $2, $3, $4::timestamptz, $5::timestamptz)"};
const Statement kConversationFind{"conversations.find",
                                  std::string("SELECT ") + kConversationColumns +
                                      " FROM conversations WHERE user_id = $1 AND id = $2::uuid"};
const Statement kConversationCount{"conversations.count",
                                   "SELECT COUNT(*) FROM conversations WHERE user_id = $1"};
const Statement kConversationDelete{
    "conversations.delete",
    "DELETE FROM conversations WHERE user_id = $1 AND id = $2::uuid AND " TC_VERSION_IN("$3")};
// The log joined with each change's object as it is now (storage/row_decoding.hpp,
// decode_change): each object table is narrowed to the user first, so on Citus every part of
// the join is on the user's shard, and joined on its uuid key (the index), not on the text id.
const Statement kChangesAfter{
    "changes.after",
    std::string("SELECT c.seq, c.kind, c.op, c.resource_id::text, c.conversation_id::text, ") +
        TC_MILLIS("c.changed_at") ", t.*, v.*, m.* FROM changes c "
        "LEFT JOIN (SELECT id AS key, " + kTaskColumns +
        " FROM tasks WHERE user_id = $1) t ON c.kind = 'task' AND t.key = c.resource_id "
        "LEFT JOIN (SELECT id AS key, " + kConversationColumns +
        " FROM conversations WHERE user_id = $1) v "
        "ON c.kind = 'conversation' AND v.key = c.resource_id "
        "LEFT JOIN (SELECT id AS key, " + kMessageColumns +
        " FROM messages WHERE user_id = $1) m ON c.kind = 'message' AND m.key = c.resource_id "
        "WHERE c.user_id = $1 AND c.seq > $2::bigint ORDER BY c.seq LIMIT $3::bigint"};
const Statement kChangesLatest{"changes.latest",
                               "SELECT seq FROM change_counters WHERE user_id = $1"};
const Statement kChangesPrune{"changes.prune",
                              "DELETE FROM changes WHERE changed_at < $1::timestamptz"};
#undef TC_MILLIS
#undef TC_VERSION_IN
#undef TC_NEXT_VERSION
// The conversation's updated_at is bumped by a trigger (migration 3); a missing conversation
// fails the foreign key.
const Statement kMessageAppend{
    "messages.append",
    "INSERT INTO messages (id, user_id, conversation_id, role, content, created_at) "
    "VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6::timestamptz)"};
const Statement kConversationExists{
    "conversations.exists", "SELECT 1 FROM conversations WHERE user_id = $1 AND id = $2::uuid"};
const Statement kMessageCount{
    "messages.count",
    "SELECT COUNT(*) FROM messages WHERE user_id = $1 AND conversation_id = $2::uuid"};

const Statement kIdempotencyFind{
    "idempotency.find",
    "SELECT fingerprint, status, location, etag, body FROM idempotency_keys "
    "WHERE user_id = $1 AND key = $2 AND created_at >= $3::timestamptz"};
// ON CONFLICT waits for a concurrent insert of the same key to commit, then either replaces an
// expired row or does nothing (0 rows: the key is taken).
const Statement kIdempotencyInsert{
    "idempotency.insert",
    "INSERT INTO idempotency_keys (user_id, key, fingerprint, status, location, etag, body, "
    "created_at) VALUES ($1, $2, $3, $4::integer, $5, $6, $7, $8::timestamptz) "
    "ON CONFLICT (user_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, "
    "status = EXCLUDED.status, location = EXCLUDED.location, etag = EXCLUDED.etag, "
    "body = EXCLUDED.body, created_at = EXCLUDED.created_at "
    "WHERE idempotency_keys.created_at < $9::timestamptz"};
const Statement kIdempotencyPrune{
    "idempotency.prune", "DELETE FROM idempotency_keys WHERE created_at < $1::timestamptz"};

// ON CONFLICT waits for a concurrent use of the same ticket to commit: exactly one wins.
const Statement kTicketUse{"tickets.use",
                           "INSERT INTO used_event_tickets (user_id, ticket_id, expires_at) "
                           "VALUES ($1, $2, $3::timestamptz) ON CONFLICT DO NOTHING"};
const Statement kTicketPrune{"tickets.prune",
                             "DELETE FROM used_event_tickets WHERE expires_at < $1::timestamptz"};

const Statement kBeginSnapshot{"tx.begin_snapshot",
                               "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"};
const Statement kCommit{"tx.commit", "COMMIT"};
const Statement kPing{"ping", "SELECT 1"};

TaskList task_list(std::string_view user_id, const TaskListQuery& q) {
    TaskList out;
    const std::string where = where_clause(user_id, q, out.filters);
    auto shape = storage::list_shape(q);
    out.count = {"tasks.count:" + shape, "SELECT COUNT(*) FROM tasks" + where};
    out.page = out.filters;
    // A keyset page: the position's condition instead of an OFFSET, so the scan starts at it.
    const auto keyset =
        storage::task_keyset(q, storage::Dialect::postgres, static_cast<int>(out.page.size()) + 1);
    bind(out.page, keyset);
    shape += keyset.shape;
    const std::string page_clause = keyset.sql +
                                    storage::task_order_by(q, storage::Dialect::postgres) +
                                    limit_clause(out.page, q.limit, q.offset, q.after.has_value());
    out.rows = {"tasks.list:" + shape,
                std::string("SELECT ") + kTaskColumns + " FROM tasks" + where + page_clause};
    out.counts_answer = storage::counts_answer_total(q);
    out.rows_with_counts = {
        "tasks.list_with_counts:" + shape,
        std::string("SELECT ") + kTaskColumns +
            ", (SELECT total FROM task_counts WHERE user_id = $1), (SELECT completed FROM "
            "task_counts WHERE user_id = $1) FROM tasks" +
            where + page_clause};
    out.user_only.text(user_id);
    return out;
}

namespace {

const storage::TimestampList kConversationList = storage::timestamp_list(
    "conversations.list",
    std::string("SELECT ") + kConversationColumns + " FROM conversations WHERE user_id = $1",
    "conversations", "updated_at", true, storage::Dialect::postgres, 1);
const storage::TimestampList kMessageList =
    storage::timestamp_list("messages.list",
                            std::string("SELECT ") + kMessageColumns +
                                " FROM messages WHERE user_id = $1 AND conversation_id = $2::uuid",
                            "messages", "created_at", false, storage::Dialect::postgres, 2);

// The statement of `page` with its parameters: the filters' (`params`), then the position,
// the limit and the offset as the page needs them.
ListStatement page_of(const storage::TimestampList& list, const PageRequest& page, Params params) {
    if (page.after) bind(params, {{}, storage::keyset_values(*page.after), {}});
    limit_clause(params, page.limit, page.offset, page.after.has_value());
    return {list.of(page), std::move(params)};
}

}  // namespace

ListStatement conversation_list(std::string_view user_id, const PageRequest& page) {
    Params params;
    params.text(user_id);
    return page_of(kConversationList, page, std::move(params));
}

ListStatement message_list(std::string_view user_id, const Uuid& conversation_id,
                           const PageRequest& page) {
    Params params;
    params.text(user_id).text(conversation_id.to_string());
    return page_of(kMessageList, page, std::move(params));
}

}  // namespace taskcore::postgres::sql
