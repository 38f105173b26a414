// PostgreSQL schema history, applied under an advisory lock so many instances may start at once.
#include <array>

#include "pg_store.hpp"
#include "storage/migration.hpp"

namespace taskcore::postgres {
namespace {

using storage::Migration;

// Distribution-ready (Citus by user_id, YugabyteDB): primary keys lead with user_id, the
// message -> conversation key includes it, no sequences. *_folded columns hold the
// library-computed case folding used by q= (identical on both backends).
constexpr std::array kMigrations{
    // last version == latest_schema_version()
    Migration{1, R"sql(
CREATE TABLE tasks (
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
);
CREATE INDEX tasks_user_created ON tasks (user_id, created_at DESC, id DESC);
CREATE INDEX tasks_user_updated ON tasks (user_id, updated_at, id);
CREATE INDEX tasks_user_due ON tasks (user_id, due_date, id);
CREATE INDEX tasks_user_completed_created ON tasks (user_id, completed, created_at DESC, id DESC);

CREATE TABLE conversations (
    user_id    text        NOT NULL,
    id         uuid        NOT NULL,
    title      text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, id)
);
CREATE INDEX conversations_user_updated ON conversations (user_id, updated_at DESC, id DESC);

CREATE TABLE messages (
    user_id         text        NOT NULL,
    id              uuid        NOT NULL,
    conversation_id uuid        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    content         text        NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (user_id, id),
    FOREIGN KEY (user_id, conversation_id)
        REFERENCES conversations (user_id, id) ON DELETE CASCADE
);
CREATE INDEX messages_conversation ON messages (user_id, conversation_id, created_at, id);
)sql"},
    // Per-user task counts kept by a trigger (see the SQLite migration 2).
    Migration{2, R"sql(
CREATE TABLE task_counts (
    user_id   text   NOT NULL PRIMARY KEY,
    total     bigint NOT NULL DEFAULT 0,
    completed bigint NOT NULL DEFAULT 0
);
INSERT INTO task_counts (user_id, total, completed)
    SELECT user_id, count(*), count(*) FILTER (WHERE completed) FROM tasks GROUP BY user_id;
CREATE FUNCTION taskcore_count_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
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
$$;
CREATE TRIGGER tasks_count AFTER INSERT OR DELETE OR UPDATE OF completed ON tasks
    FOR EACH ROW EXECUTE FUNCTION taskcore_count_tasks();
)sql"},
};

// Any constant works as long as every taskcore instance uses the same one.
constexpr const char* kMigrationLockKey = "7355608";

}  // namespace

int PgStore::migrate() {
    return pool_.run(true, [](Connection& c) {
        pqxx::work tx(c.raw());
        tx.exec(std::string("SELECT pg_advisory_xact_lock(") + kMigrationLockKey + ")");
        tx.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
        int current =
            tx.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
        storage::check_schema_not_newer(current);
        for (const auto& m : kMigrations) {
            if (m.version <= current) continue;
            tx.exec(m.sql);
            tx.exec("INSERT INTO schema_migrations (version) VALUES (" + std::to_string(m.version) +
                    ")");
            current = m.version;
        }
        tx.commit();
        return current;
    });
}

}  // namespace taskcore::postgres
