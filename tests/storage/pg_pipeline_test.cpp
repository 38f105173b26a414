// The PostgreSQL pipeline against the real cluster: requests submitted in one event-loop turn
// share a sync point, one failing request leaves the others' answers intact; TLS URLs and the
// URL's connect timeout hold on it as on the pool.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <pqxx/pqxx>

#include <chrono>

#include <optional>
#include <string>
#include <vector>

#include "storage/postgres/pg_pipeline.hpp"
#include "storage/postgres/pg_pool.hpp"
#include "taskcore/domain/errors.hpp"
#include "test_store.hpp"

using namespace taskcore;
using namespace taskcore::postgres;

namespace {

struct Outcome {
    bool done = false;
    std::exception_ptr error;
    std::vector<std::string> values;  // first column of the last result's rows
};

std::vector<Command> statement(const std::string& name, const std::string& sql) {
    std::vector<Command> commands;
    commands.push_back({{name, sql}, {}});
    return commands;
}

void submit(Pipeline& pipeline, std::vector<Command> commands, Outcome& out) {
    pipeline.submit(std::move(commands), true,
                    Completion([&out](const std::exception_ptr& error, Results results) {
                        out.done = true;
                        out.error = error;
                        if (!results.empty()) {
                            const auto* r = results.back().get();
                            for (int i = 0; i < PQntuples(r); ++i)
                                out.values.emplace_back(PQgetvalue(r, i, 0));
                        }
                    }));
}

}  // namespace

TEST_CASE("one failing request in a batch fails alone, the rest of its batch is answered") {
    for (const bool prepared : {true, false}) {
        boost::asio::io_context io;
        PipelineOptions options;
        options.prepared_statements = prepared;
        auto pipeline = std::make_shared<Pipeline>(
            io.get_executor(), make_conninfo(taskcore::testing::test_database_url()), options);
        std::vector<Outcome> out(5);
        // All five in one turn: one batch (the snapshot request gets its own sync points).
        submit(*pipeline, statement("t.one", "SELECT 1"), out[0]);
        submit(*pipeline, statement("t.div", "SELECT 1 / (random() * 0)::int"), out[1]);
        submit(*pipeline, statement("t.two", "SELECT 2"), out[2]);
        std::vector<Command> snapshot;
        snapshot.push_back({{"t.begin", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"}, {}});
        snapshot.push_back({{"t.three", "SELECT 3"}, {}});
        snapshot.push_back({{"t.commit", "COMMIT"}, {}});
        submit(*pipeline, std::move(snapshot), out[3]);
        submit(*pipeline, statement("t.four", "SELECT 4"), out[4]);
        io.run();
        for (const auto& o : out) REQUIRE(o.done);
        CHECK_FALSE(out[0].error);
        CHECK(out[0].values == std::vector<std::string>{"1"});
        REQUIRE(out[1].error);
        CHECK_THROWS_AS(std::rethrow_exception(out[1].error), StorageError);
        CHECK_FALSE(out[2].error);  // skipped by the failure, sent again
        CHECK(out[2].values == std::vector<std::string>{"2"});
        CHECK_FALSE(out[3].error);
        CHECK(out[3].values.empty());  // the last result of the snapshot is COMMIT's
        CHECK_FALSE(out[4].error);
        CHECK(out[4].values == std::vector<std::string>{"4"});
        CHECK(pipeline->in_flight() == 0);
        CHECK(pipeline->queued() == 0);
    }
}

TEST_CASE("the pipeline's connect timer follows the URL's connect_timeout, as libpq reads it") {
    CHECK(connect_timeout_of(make_conninfo("postgresql://h/db")) == kConnectTimeout);
    CHECK(connect_timeout_of(make_conninfo("postgresql://h/db?connect_timeout=10")) ==
          std::chrono::seconds{10});
    CHECK(connect_timeout_of("postgresql://h/db?connect_timeout=1") == std::chrono::seconds{2});
    CHECK(connect_timeout_of("postgresql://h/db?connect_timeout=0") >= std::chrono::hours{1});
    CHECK(connect_timeout_of("host=h connect_timeout=7") == std::chrono::seconds{7});
}

TEST_CASE("TLS URLs work on the pool and on the pipeline, and an unverifiable server fails fast") {
    const auto plain = taskcore::testing::test_database_url();
    const auto base = plain.substr(0, plain.find('?'));
    const auto name = "taskcore-tls-" + generate_uuid_v7().to_string().substr(24);
    const auto tls = base + "?sslmode=require&application_name=" + name;
    {
        taskcore::testing::PipelinedStore store(open_store(tls), tls, {});
        store.migrate();
        Task t;
        t.id = generate_uuid_v7();
        t.user_id = taskcore::testing::fresh_user("tls");
        t.title = "over TLS";
        t.created_at = t.updated_at = now_ms();
        store.tasks().insert(t);                          // the pool
        CHECK(store.tasks().find(t.user_id, t.id) == t);  // the pipeline
        store.ping();
        // Both connections of this store are encrypted, seen from the server's side.
        pqxx::connection admin(plain);
        pqxx::nontransaction tx(admin);
        const auto row = tx.exec1(
            "SELECT count(*), bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a "
            "USING (pid) WHERE a.application_name = " +
            tx.quote(name));
        CHECK(row[0].as<int>() >= 2);
        CHECK(row[1].as<bool>());
    }
    // verify-full against a self-signed certificate with no CA file: refused, quickly, as
    // unavailable (a 503 upstream), on both paths.
    const auto strict = base + "?sslmode=verify-full&sslrootcert=/nonexistent/root.crt";
    const auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(open_store(strict)->ping(), StorageUnavailableError);
    taskcore::testing::PipelinedStore pipelined(open_store(plain), strict, {});
    CHECK_THROWS_AS(pipelined.ping(), StorageUnavailableError);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{10});
}

TEST_CASE("postgres: a connection exception drops the connection only when it no longer works") {
    // The server reported it and the session goes on: a Citus coordinator that cannot reach a
    // worker. Transient for this request; the connection, shared by other users, is kept.
    const auto remote = classify_sqlstate("08006", /*connection_usable=*/true);
    CHECK(remote.unavailable);
    CHECK_FALSE(remote.connection_broken);
    // Our own connection is gone.
    const auto lost = classify_sqlstate("08006", /*connection_usable=*/false);
    CHECK(lost.unavailable);
    CHECK(lost.connection_broken);
    // The server is shutting the session down (57P01 admin shutdown), whatever libpq says yet.
    CHECK(classify_sqlstate("57P01", true).connection_broken);
    // A statement timeout and a full disk are transient; a constraint violation is neither.
    CHECK(classify_sqlstate("57014", true).unavailable);
    CHECK_FALSE(classify_sqlstate("57014", true).connection_broken);
    CHECK(classify_sqlstate("53100", true).unavailable);
    CHECK_FALSE(classify_sqlstate("23505", true).unavailable);
    CHECK_FALSE(classify_sqlstate("23505", true).connection_broken);
}
