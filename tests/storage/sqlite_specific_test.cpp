// SQLite-only behaviour: URL forms, persistence, schema version guard.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <filesystem>

#include "change_feed_checks.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/storage/store.hpp"
#include "test_store.hpp"

using namespace taskcore;

namespace {

std::filesystem::path temp_dir() {
    auto dir = std::filesystem::temp_directory_path() /
               ("taskcore-sqlite-" + generate_uuid_v7().to_string());
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

TEST_CASE("sqlite file databases persist across reopen") {
    const auto path = temp_dir() / "persist.db";
    const auto url = "sqlite:///" + path.string();
    Task t;
    t.id = generate_uuid_v7();
    t.user_id = "u";
    t.title = "kept";
    t.created_at = t.updated_at = now_ms();
    {
        auto store = open_store(url);
        store->migrate();
        store->tasks().insert(t);
    }
    auto reopened = open_store(url);
    CHECK(reopened->migrate() == latest_schema_version());
    CHECK(reopened->tasks().find("u", t.id) == t);
    CHECK(reopened->backend() == "sqlite");
}

TEST_CASE("sqlite refuses a database whose schema is newer than the build") {
    const auto path = temp_dir() / "future.db";
    {
        auto store = open_store("sqlite:///" + path.string());
        store->migrate();
    }
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        db.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)");
    }
    auto store = open_store("sqlite:///" + path.string());
    CHECK_THROWS_WITH(store->migrate(),
                      Catch::Contains("schema version 999 is newer than this taskcore build"));
}

TEST_CASE("the database is in WAL mode with foreign keys enforced") {
    const auto path = temp_dir() / "wal.db";
    auto store = open_store("sqlite:///" + path.string());
    store->migrate();
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    db.exec("PRAGMA foreign_keys=ON");
    CHECK_THROWS(
        db.exec("INSERT INTO messages (user_id, id, conversation_id, role, content, created_at) "
                "VALUES ('u', 'm', 'missing', 'user', 'x', 0)"));
    CHECK_THROWS(db.exec(
        "INSERT INTO tasks (user_id, id, title, title_folded, completed, priority, created_at, "
        "updated_at) VALUES ('u', 't', 'x', 'x', 0, 'urgent', 0, 0)"));
}

TEST_CASE("open_store rejects unknown URLs with a message naming DATABASE_URL") {
    CHECK_THROWS_WITH(open_store("mysql://x"), Catch::Contains("DATABASE_URL"));
    CHECK_THROWS_WITH(open_store("sqlite:///"), Catch::Contains("DATABASE_URL"));
}

TEST_CASE("sqlite: the change log is pruned by age, and older positions need a resync") {
    auto store = open_store("sqlite:///" + (temp_dir() / "changes.db").string());
    store->migrate();
    taskcore::testing::check_prune_and_resync(*store);
}
