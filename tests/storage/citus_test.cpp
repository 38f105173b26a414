// Citus only (`scripts/test.sh --citus`): what `migrate` makes of a fresh Citus database, and
// every request-path statement planned onto exactly one shard. Fails when the database under
// test has no citus extension, so this target can never pass on plain PostgreSQL by accident.
#include <catch2/catch.hpp>

#include <pqxx/pqxx>

#include <memory>
#include <string>
#include <vector>

#include "storage/postgres/pg_statements.hpp"
#include "support/fresh_database.hpp"
#include "support/pg_connection.hpp"
#include "support/test_database.hpp"
#include "taskcore/domain/uuid.hpp"
#include "taskcore/storage/store.hpp"

using namespace taskcore;
using taskcore::testing::PgConnection;
namespace sql = taskcore::postgres::sql;

namespace {

std::unique_ptr<Store> migrated_store() {
    auto store = open_store(testing::resolve_test_database_url());
    store->migrate();
    return store;
}

}  // namespace

TEST_CASE("citus: migrate distributes every table by user_id in one co-location group") {
    auto store = migrated_store();
    PgConnection c(testing::resolve_test_database_url());
    REQUIRE(c.column("SELECT extname FROM pg_extension WHERE extname = 'citus'") ==
            std::vector<std::string>{"citus"});
    CHECK(c.column("SELECT logicalrelid::text || ':' || column_to_column_name(logicalrelid, "
                   "partkey) FROM pg_dist_partition ORDER BY 1") ==
          std::vector<std::string>{"change_counters:user_id", "changes:user_id",
                                   "conversations:user_id", "idempotency_keys:user_id",
                                   "messages:user_id", "task_counts:user_id", "tasks:user_id",
                                   "used_event_tickets:user_id"});
    CHECK(c.column("SELECT count(DISTINCT colocationid) FROM pg_dist_partition") ==
          std::vector<std::string>{"1"});
    // The bookkeeping table stays an ordinary table on the coordinator.
    CHECK(c.column("SELECT count(*) FROM pg_dist_partition "
                   "WHERE logicalrelid = 'schema_migrations'::regclass") ==
          std::vector<std::string>{"0"});
    CHECK(c.column("SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND "
                   "groupid > 0") == std::vector<std::string>{"2"});
}

TEST_CASE("citus: every request-path statement runs on exactly one shard") {
    auto store = migrated_store();
    PgConnection c(testing::resolve_test_database_url());
    const std::string user = "citus-" + generate_uuid_v7().to_string();
    const std::string id = generate_uuid_v7().to_string();
    const std::string now = "2026-12-01T12:00:00.000Z";

    postgres::Params find;
    find.text(user).text(id);
    postgres::Params toggle;
    toggle.null().text(now).text(user).text(id).text("{1}");  // with an If-Match version
    postgres::Params key_find;
    key_find.text(user).text("key").text(now);
    postgres::Params key_insert;
    key_insert.text(user).text("key").text("fp").integer(201).text("").text("").text("{}");
    key_insert.text(now).text(now);
    postgres::Params remove;
    remove.text(user).text(id).null();
    postgres::Params append;
    append.text(id)
        .text(user)
        .text(generate_uuid_v7().to_string())
        .text("user")
        .text("hi")
        .text(now);
    postgres::Params just_user;
    just_user.text(user);
    postgres::Params changes_after;
    changes_after.text(user).integer(0).integer(101);
    // What the change-log trigger runs for each write (on the worker holding the user's shard).
    postgres::Params counter;
    counter.text(user);
    const std::string counter_sql =
        "INSERT INTO change_counters AS c (user_id, seq) VALUES ($1, 1) ON CONFLICT (user_id) DO "
        "UPDATE SET seq = c.seq + 1 RETURNING c.seq";
    postgres::Params change;
    change.text(user).integer(1).text("task").text("created").text(id);
    const std::string change_sql =
        "INSERT INTO changes (user_id, seq, kind, op, resource_id, conversation_id, changed_at) "
        "VALUES ($1, $2, $3, $4, $5::uuid, NULL, clock_timestamp())";
    postgres::Params ticket_use;
    ticket_use.text(user).text(generate_uuid_v7().to_string()).text(now);
    TaskListQuery query;
    const auto list = sql::task_list(user, query);
    TaskListQuery after = query;
    after.after = TaskPosition{1764590400000, "", generate_uuid_v7()};
    const auto keyset = sql::task_list(user, after);
    const auto messages =
        sql::message_list(user, generate_uuid_v7(), PageRequest{50, 0, std::nullopt});
    const auto conversations_after = sql::conversation_list(
        user, PageRequest{50, 0, KeysetPosition{from_unix_ms(1764590400000), generate_uuid_v7()}});

    const std::vector<std::pair<std::string, std::string>> plans{
        {"get", c.plan(sql::kTaskFind.sql, find)},
        {"toggle", c.plan(sql::kTaskSetCompleted.sql, toggle)},
        {"list", c.plan(list.rows_with_counts.sql, list.page)},
        {"list page", c.plan(list.rows.sql, list.page)},
        {"message append", c.plan(sql::kMessageAppend.sql, append)},
        {"list after a cursor", c.plan(keyset.rows_with_counts.sql, keyset.page)},
        {"message list", c.plan(messages.statement.sql, messages.params)},
        {"conversation list after a cursor",
         c.plan(conversations_after.statement.sql, conversations_after.params)},
        {"delete", c.plan(sql::kTaskDelete.sql, remove)},
        {"idempotency find", c.plan(sql::kIdempotencyFind.sql, key_find)},
        {"idempotency insert", c.plan(sql::kIdempotencyInsert.sql, key_insert)},
        {"changes after", c.plan(sql::kChangesAfter.sql, changes_after)},
        {"changes latest", c.plan(sql::kChangesLatest.sql, just_user)},
        {"ticket use", c.plan(sql::kTicketUse.sql, ticket_use)},
        {"change counter", c.plan(counter_sql, counter)},
        {"change log insert", c.plan(change_sql, change)},
    };
    for (const auto& [name, plan] : plans) {
        INFO(name << ":\n" << plan);
        CHECK(plan.find("Custom Scan (Citus") != std::string::npos);
        CHECK(plan.find("Task Count: 1\n") != std::string::npos);
        CHECK(plan.find("pull to coordinator") == std::string::npos);
        CHECK(plan.find("repartition") == std::string::npos);
    }
}

TEST_CASE(
    "citus: migrate that cannot distribute stops with one line saying what to do, and "
    "changes nothing") {
    // The extension and the coordinator registered as such, but no worker: the shards have
    // nowhere to go. (With no node registered at all, Citus keeps the shards on the one node.)
    const auto base = testing::resolve_test_database_url();
    const auto name = "noworkers_" + generate_uuid_v7().to_string().substr(24);
    const auto url = testing::create_database(base, name, /*citus=*/false);
    testing::run_sql(url, "CREATE EXTENSION citus");
    {
        pqxx::connection c(url);
        testing::run_sql(
            url, "SELECT citus_set_coordinator_host('127.0.0.1', " + std::string(c.port()) + ")");
    }
    auto store = open_store(url);
    CHECK_THROWS_WITH(store->migrate(),
                      Catch::Contains("distributing table tasks on Citus failed") &&
                          Catch::Contains("citus_add_node") &&
                          Catch::Contains("DB_DISTRIBUTION=none"));
    PgConnection c(url);
    CHECK(c.column("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") ==
          std::vector<std::string>{"0"});
    store.reset();
    testing::drop_database(base, name);
}
