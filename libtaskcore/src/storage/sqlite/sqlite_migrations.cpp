// SQLite schema history. Append new migrations; never edit one that has shipped.
#include "sqlite_migrations.hpp"

#include <array>
#include <string>
#include <string_view>

#include "storage/migration.hpp"
#include "taskcore/domain/time.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::sqlite {
namespace {

using storage::Migration;

// One trigger of the change log: after `event` on `table`, the next seq of the row's user (its
// counter row, in the write's own transaction) and one entry for the row (`row`: NEW or OLD).
std::string log_trigger(std::string_view table, std::string_view event, std::string_view row,
                        std::string_view kind, std::string_view op,
                        std::string_view conversation_id) {
    const std::string r(row);
    return "CREATE TRIGGER " + std::string(table) + "_log_" + std::string(event) + " AFTER " +
           std::string(event) + " ON " + std::string(table) + " BEGIN\n" +
           "    INSERT INTO change_counters (user_id, seq) VALUES (" + r + ".user_id, 1)\n" +
           "        ON CONFLICT (user_id) DO UPDATE SET seq = seq + 1;\n" +
           "    INSERT INTO changes SELECT " + r + ".user_id, seq, '" + std::string(kind) + "', '" +
           std::string(op) + "', " + r + ".id, " + std::string(conversation_id) +
           ", CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)\n" +
           "        FROM change_counters WHERE user_id = " + r + ".user_id;\n" + "END;\n";
}

// Messages are logged when appended only: a conversation's delete is one entry for it and its
// messages, and an append's bump of its updated_at is not a change of its own.
const char* change_log_sql() {
    static const std::string sql =
        std::string(R"sql(
CREATE TABLE change_counters (
    user_id TEXT    NOT NULL PRIMARY KEY,
    seq     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE changes (
    user_id         TEXT    NOT NULL,
    seq             INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('task', 'conversation', 'message')),
    op              TEXT    NOT NULL CHECK (op IN ('created', 'updated', 'deleted')),
    resource_id     TEXT    NOT NULL,
    conversation_id TEXT,
    changed_at      INTEGER NOT NULL,
    PRIMARY KEY (user_id, seq)
) WITHOUT ROWID;
CREATE INDEX changes_changed_at ON changes (changed_at);
)sql") + log_trigger("tasks", "insert", "NEW", "task", "created", "NULL") +
        log_trigger("tasks", "update", "NEW", "task", "updated", "NULL") +
        log_trigger("tasks", "delete", "OLD", "task", "deleted", "NULL") +
        log_trigger("conversations", "insert", "NEW", "conversation", "created", "NULL") +
        log_trigger("conversations", "delete", "OLD", "conversation", "deleted", "NULL") +
        log_trigger("messages", "insert", "NEW", "message", "created", "NEW.conversation_id");
    return sql.c_str();
}

// Timestamps are integer Unix milliseconds; ids are canonical UUID text. *_folded columns hold
// the case-folded text that the q= search matches, computed by the library (fold_case) so both
// backends agree without depending on a database collation.
const std::array<Migration, 8> kMigrations{
    // last version == latest_schema_version()
    Migration{1, R"sql(
CREATE TABLE tasks (
    user_id            TEXT    NOT NULL,
    id                 TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    title_folded       TEXT    NOT NULL,
    description        TEXT,
    description_folded TEXT,
    completed          INTEGER NOT NULL CHECK (completed IN (0, 1)),
    priority           TEXT    NOT NULL CHECK (priority IN ('low', 'medium', 'high')),
    due_date           INTEGER,
    tags               TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    completed_at       INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (user_id, id)
) WITHOUT ROWID;
CREATE INDEX tasks_user_created ON tasks (user_id, created_at, id);
CREATE INDEX tasks_user_updated ON tasks (user_id, updated_at, id);
CREATE INDEX tasks_user_due ON tasks (user_id, due_date, id);
CREATE INDEX tasks_user_completed_created ON tasks (user_id, completed, created_at, id);

CREATE TABLE conversations (
    user_id    TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    title      TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, id)
) WITHOUT ROWID;
CREATE INDEX conversations_user_updated ON conversations (user_id, updated_at, id);

CREATE TABLE messages (
    user_id         TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    content         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (user_id, id),
    FOREIGN KEY (user_id, conversation_id)
        REFERENCES conversations (user_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX messages_conversation ON messages (user_id, conversation_id, created_at, id);
)sql"},
    // Per-user task counts kept by triggers, so an unfiltered list's total (or one filtered only
    // by status) costs one row read instead of counting every task of the user.
    Migration{2, R"sql(
CREATE TABLE task_counts (
    user_id   TEXT    NOT NULL PRIMARY KEY,
    total     INTEGER NOT NULL DEFAULT 0,
    completed INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO task_counts (user_id, total, completed)
    SELECT user_id, COUNT(*), SUM(completed) FROM tasks GROUP BY user_id;
CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO task_counts (user_id, total, completed) VALUES (NEW.user_id, 1, NEW.completed)
        ON CONFLICT (user_id) DO UPDATE SET total = total + 1, completed = completed + NEW.completed;
END;
CREATE TRIGGER tasks_count_delete AFTER DELETE ON tasks BEGIN
    UPDATE task_counts SET total = total - 1, completed = completed - OLD.completed
        WHERE user_id = OLD.user_id;
END;
CREATE TRIGGER tasks_count_completed AFTER UPDATE OF completed ON tasks
    WHEN NEW.completed <> OLD.completed BEGIN
    UPDATE task_counts SET completed = completed + NEW.completed - OLD.completed
        WHERE user_id = NEW.user_id;
END;
)sql"},
    // Version 3 moved PostgreSQL's conversation bump into a trigger (one shard on Citus). Here
    // the append already bumps and inserts in one transaction: nothing changes, the version is
    // kept equal across backends.
    Migration{3, "SELECT 1"},
    // Idempotency keys: the response of a keyed write, per user (Idempotency-Key).
    Migration{4, R"sql(
CREATE TABLE idempotency_keys (
    user_id     TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    location    TEXT    NOT NULL,
    etag        TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
)sql"},
    // The per-user change log (see the PostgreSQL migration 5), written by change_log_sql().
    Migration{5, change_log_sql()},
    // Used event-stream tickets, kept until they expire (PostgreSQL migration 6; one process
    // owns the file, so its wake-ups stay in-process and need no NOTIFY).
    Migration{6, R"sql(
CREATE TABLE used_event_tickets (
    user_id    TEXT    NOT NULL,
    ticket_id  TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, ticket_id)
) WITHOUT ROWID;
CREATE INDEX used_event_tickets_expires_at ON used_event_tickets (expires_at);
)sql"},
    // Version 7 rewrote PostgreSQL's change-log trigger function for Citus and made its NOTIFY
    // opt-in; SQLite has neither: the version is kept equal across backends.
    Migration{7, "SELECT 1"},
    // PostgreSQL's migration 8 (a message append moves its conversation's version strictly) is
    // a statement in sqlite_conversation_repository.cpp here.
    Migration{8, "SELECT 1"},
};

}  // namespace

int migrate(Connection& connection) {
    Transaction tx(connection, Transaction::Kind::write);
    connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    int current = 0;
    {
        auto st = connection.prepare(
            {"migrations.current", "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"});
        if (st->executeStep()) current = st->getColumn(0).getInt();
    }
    storage::check_schema_not_newer(current);
    for (const auto& m : kMigrations) {
        if (m.version <= current) continue;
        connection.exec(m.sql);
        auto st = connection.prepare(
            {"migrations.record",
             "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"});
        st->bind(1, m.version);
        st->bind(2, to_unix_ms(now_ms()));
        st->exec();
        current = m.version;
    }
    tx.commit();
    return current;
}

}  // namespace taskcore::sqlite
