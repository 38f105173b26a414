// PostgreSQL schema history, applied under an advisory lock so many instances may start at once;
// on Citus every table is distributed by user_id as it is created (docs/scale-out.md).
//
// The rules every migration here follows, so that the same steps serve plain PostgreSQL and
// Citus (the Citus steps are additions made by the runner, never a second copy):
// - one statement per entry: Citus forwards DDL on distributed tables to the workers one
//   statement at a time and refuses multi-statement strings;
// - every table has user_id leading its primary key and every foreign key, and no sequences:
//   `CREATE TABLE name` is followed, on Citus, by create_distributed_table(name, 'user_id')
//   co-located with tasks, so tables are created in reference order (referenced first);
// - a trigger may only touch rows of the same user (its shard's co-located rows);
// - only immutable expressions in anything a statement RETURNs (Citus refuses others);
// - a trigger function sends only plain variables in its statements (Citus deparses them for
//   the shard, and gets a simple CASE over a variable wrong: pg_change_log_function.cpp).
#include <string>
#include <string_view>
#include <vector>

#include "pg_change_log_function.hpp"
#include "pg_citus.hpp"
#include "pg_store.hpp"
#include "storage/migration.hpp"

namespace taskcore::postgres {
namespace {

struct PgMigration {
    int version;
    std::vector<std::string_view> statements;
};

// *_folded columns hold the library-computed case folding used by q= (same on both backends).
// Long statements are split into adjacent literals; the check below mistakes them for lists
// missing a comma.
// NOLINTBEGIN(bugprone-suspicious-missing-comma, readability-function-size): a table of SQL
const std::vector<PgMigration>& migrations() {
    static const std::vector<PgMigration> all{
        // last version == latest_schema_version()
        {1,
         {R"sql(CREATE TABLE tasks (
    user_id            text        NOT NULL,
    id                 uuid        NOT NULL,
    title              text        NOT NULL,
    title_folded       text        NOT NULL,
    description        text,
    description_folded text,
    completed          boolean     NOT NULL,
    priority           text        NOT NULL CHECK (priority IN ('low', 'medium', 'high')),
    due_date           timestamptz,
    tags               jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
    completed_at       timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (user_id, id)
))sql",
          "CREATE INDEX tasks_user_created ON tasks (user_id, created_at DESC, id DESC)",
          "CREATE INDEX tasks_user_updated ON tasks (user_id, updated_at, id)",
          "CREATE INDEX tasks_user_due ON tasks (user_id, due_date, id)",
          "CREATE INDEX tasks_user_completed_created ON tasks (user_id, completed, created_at "
          "DESC, id DESC)",
          R"sql(CREATE TABLE conversations (
    user_id    text        NOT NULL,
    id         uuid        NOT NULL,
    title      text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, id)
))sql",
          "CREATE INDEX conversations_user_updated ON conversations (user_id, updated_at DESC, id "
          "DESC)",
          R"sql(CREATE TABLE messages (
    user_id         text        NOT NULL,
    id              uuid        NOT NULL,
    conversation_id uuid        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    content         text        NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (user_id, id)
))sql",
          // Added after the table (and, on Citus, its distribution): a foreign key from a local
          // table to a distributed one is refused.
          "ALTER TABLE messages ADD FOREIGN KEY (user_id, conversation_id) REFERENCES "
          "conversations (user_id, id) ON DELETE CASCADE",
          "CREATE INDEX messages_conversation ON messages (user_id, conversation_id, created_at, "
          "id)"}},
        // Per-user task counts kept by a trigger (see the SQLite migration 2).
        {2,
         {R"sql(CREATE TABLE task_counts (
    user_id   text   NOT NULL PRIMARY KEY,
    total     bigint NOT NULL DEFAULT 0,
    completed bigint NOT NULL DEFAULT 0
))sql",
          "INSERT INTO task_counts (user_id, total, completed) SELECT user_id, count(*), count(*) "
          "FILTER (WHERE completed) FROM tasks GROUP BY user_id",
          R"sql(CREATE FUNCTION taskcore_count_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO task_counts AS c (user_id, total, completed)
            VALUES (NEW.user_id, 1, CASE WHEN NEW.completed THEN 1 ELSE 0 END)
            ON CONFLICT (user_id) DO UPDATE
                SET total = c.total + 1, completed = c.completed + EXCLUDED.completed;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE task_counts
            SET total = total - 1, completed = completed - CASE WHEN OLD.completed THEN 1 ELSE 0 END
            WHERE user_id = OLD.user_id;
    ELSIF NEW.completed IS DISTINCT FROM OLD.completed THEN
        UPDATE task_counts SET completed = completed + CASE WHEN NEW.completed THEN 1 ELSE -1 END
            WHERE user_id = NEW.user_id;
    END IF;
    RETURN NULL;
END
$$)sql",
          "CREATE TRIGGER tasks_count AFTER INSERT OR DELETE OR UPDATE OF completed ON tasks FOR "
          "EACH ROW EXECUTE FUNCTION taskcore_count_tasks()"}},
        // Appending a message bumps its conversation from a trigger, so the append is one plain
        // INSERT (one shard on Citus) instead of an UPDATE ... RETURNING feeding an
        // INSERT ... SELECT, which Citus pulls to the coordinator and commits in two phases.
        // The foreign key (checked first: its trigger sorts before ours) rejects a missing
        // conversation.
        {3,
         {R"sql(CREATE FUNCTION taskcore_bump_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversations SET updated_at = GREATEST(NEW.created_at, updated_at)
        WHERE user_id = NEW.user_id AND id = NEW.conversation_id;
    RETURN NULL;
END
$$)sql",
          "CREATE TRIGGER messages_bump_conversation AFTER INSERT ON messages FOR EACH ROW EXECUTE "
          "FUNCTION taskcore_bump_conversation()"}},
        // Idempotency keys: the response of a keyed write, per user (Idempotency-Key).
        {4,
         {R"sql(CREATE TABLE idempotency_keys (
    user_id     text        NOT NULL,
    key         text        NOT NULL,
    fingerprint text        NOT NULL,
    status      integer     NOT NULL,
    location    text        NOT NULL,
    etag        text        NOT NULL,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, key)
))sql",
          "CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)"}},
        // The per-user change log. Every write's trigger takes the next seq from the user's
        // counter row (ON CONFLICT DO UPDATE locks it until the write commits), so one user's
        // writes get their seqs in commit order with no gaps, across any number of instances,
        // and other users' writes never wait. Messages are logged when appended only: a
        // conversation's delete is one event for it and its messages (the cascade logs
        // nothing), and an append's bump of the conversation is not a change of its own.
        // clock_timestamp(), taken after the counter's lock, keeps changed_at in seq order for
        // pruning by age.
        {5,
         {R"sql(CREATE TABLE change_counters (
    user_id text   NOT NULL PRIMARY KEY,
    seq     bigint NOT NULL
))sql",
          R"sql(CREATE TABLE changes (
    user_id         text        NOT NULL,
    seq             bigint      NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('task', 'conversation', 'message')),
    op              text        NOT NULL CHECK (op IN ('created', 'updated', 'deleted')),
    resource_id     uuid        NOT NULL,
    conversation_id uuid,
    changed_at      timestamptz NOT NULL,
    PRIMARY KEY (user_id, seq)
))sql",
          "CREATE INDEX changes_changed_at ON changes (changed_at)",
          log_change_function(Notify::never),
          "CREATE TRIGGER tasks_log_change AFTER INSERT OR UPDATE OR DELETE ON tasks FOR EACH ROW "
          "EXECUTE FUNCTION taskcore_log_change('task')",
          "CREATE TRIGGER conversations_log_change AFTER INSERT OR DELETE ON conversations FOR "
          "EACH ROW EXECUTE FUNCTION taskcore_log_change('conversation')",
          "CREATE TRIGGER messages_log_change AFTER INSERT ON messages FOR EACH ROW EXECUTE "
          "FUNCTION taskcore_log_change('message')"}},
        // Live updates across instances: the logging transaction also wakes every LISTENing
        // instance at its commit (channel and payload: change_listener.hpp). Used event-stream
        // tickets are remembered until they expire, so each opens one stream on any instance.
        {6,
         {log_change_function(Notify::unless_off),
          R"sql(CREATE TABLE used_event_tickets (
    user_id    text        NOT NULL,
    ticket_id  text        NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, ticket_id)
))sql",
          "CREATE INDEX used_event_tickets_expires_at ON used_event_tickets (expires_at)"}},
        // Citus could not run the change log (see log_change_function), and the commit-time
        // NOTIFY becomes opt-in (see Notify).
        {7, {log_change_function(Notify::when_on)}},
        // An append moves its conversation's version strictly (1 ms past the last at least),
        // as TC_NEXT_VERSION does for a task's update: migration 3 kept it when the message
        // came within the conversation's last millisecond, so a stale If-Match still matched.
        // The immutable form (timestamp + interval): Citus refuses STABLE ones on columns.
        {8,
         {R"sql(CREATE OR REPLACE FUNCTION taskcore_bump_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversations SET updated_at = GREATEST(NEW.created_at,
            ((updated_at AT TIME ZONE 'UTC') + interval '1 millisecond') AT TIME ZONE 'UTC')
        WHERE user_id = NEW.user_id AND id = NEW.conversation_id;
    RETURN NULL;
END
$$)sql"}},
    };
    return all;
}
// NOLINTEND(bugprone-suspicious-missing-comma, readability-function-size)

// Any constant works as long as every taskcore instance uses the same one.
constexpr const char* kMigrationLockKey = "7355608";

// The table a `CREATE TABLE name (...)` statement creates, or empty.
std::string created_table(std::string_view statement) {
    constexpr std::string_view kCreate = "CREATE TABLE ";
    if (!statement.starts_with(kCreate)) return {};
    statement.remove_prefix(kCreate.size());
    const auto end = statement.find_first_of(" (");
    return std::string(statement.substr(0, end));
}

// Every table the migrations create, in the order they create them (referenced first).
std::vector<std::string> created_tables() {
    std::vector<std::string> tables;
    for (const auto& m : migrations()) {
        for (const auto statement : m.statements) {
            if (auto table = created_table(statement); !table.empty()) tables.push_back(table);
        }
    }
    return tables;
}

// Applies the migrations after `current`; on Citus each table is distributed right after it is
// created, before anything references it. Returns the version reached.
int apply_pending(pqxx::work& tx, int current, bool citus) {
    for (const auto& m : migrations()) {
        if (m.version <= current) continue;
        for (const auto statement : m.statements) {
            tx.exec(std::string(statement));
            if (const auto table = created_table(statement); citus && !table.empty()) {
                citus::distribute(tx, table);
            }
        }
        tx.exec("INSERT INTO schema_migrations (version) VALUES (" + std::to_string(m.version) +
                ")");
        current = m.version;
    }
    return current;
}

}  // namespace

int PgStore::migrate() {
    return pool_.run(true, [this](Connection& c) {
        pqxx::work tx(c.raw());
        // The sessions' statement_timeout guards requests; a migration (distributing a large
        // database on Citus copies every row) takes as long as it takes.
        tx.exec("SET LOCAL statement_timeout = 0");
        tx.exec(std::string("SELECT pg_advisory_xact_lock(") + kMigrationLockKey + ")");
        // A local table on the coordinator: it records what this database has applied.
        tx.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations ( version integer PRIMARY KEY, "
            "applied_at timestamptz NOT NULL DEFAULT now())");
        int current =
            tx.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
        storage::check_schema_not_newer(current);
        const bool citus = citus::distributes(tx, distribution_);
        if (citus) citus::prepare_transaction(tx);
        current = apply_pending(tx, current, citus);
        // Tables made before Citus came (a plain PostgreSQL database that later got the
        // extension and workers), or left local by an interrupted hand-made distribution:
        // distributed now, rows and all, in one transaction with the rest.
        if (citus) citus::distribute_remaining(tx, created_tables());
        tx.commit();
        distributed_ = citus;
        return current;
    });
}

}  // namespace taskcore::postgres
