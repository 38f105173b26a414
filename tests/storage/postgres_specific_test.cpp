// PostgreSQL-only behaviour: pool bounds and timeouts, statement timeout, concurrent migrations,
// the schema guard and pooler mode (unnamed statements).
#include <catch2/catch.hpp>

#include <pqxx/pqxx>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "change_feed_checks.hpp"
#include "storage/postgres/pg_pool.hpp"
#include "support/fresh_database.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/storage/change_listener.hpp"
#include "test_store.hpp"

using namespace taskcore;
using taskcore::testing::fresh_user;

namespace {

std::string base_url() {
    const char* url = std::getenv("TASKCORE_TEST_PG_URL");
    if (url == nullptr || *url == '\0') {
        FAIL("TASKCORE_TEST_PG_URL is not set: PostgreSQL tests need scripts/test.sh's cluster");
    }
    return url;
}

// A fresh, empty database on the test cluster; returns its URL.
std::string fresh_database() {
    return testing::create_database(base_url(), "tc_" + generate_uuid_v7().to_string().substr(24));
}

Task make_task(const std::string& user) {
    Task t;
    t.id = generate_uuid_v7();
    t.user_id = user;
    t.title = "pg";
    t.created_at = t.updated_at = now_ms();
    return t;
}

// Another session holding a task's row lock until release(), so statements touching it block.
class RowLock {
  public:
    RowLock(const std::string& url, const Task& task) : connection_(url), tx_(connection_) {
        tx_.exec("SELECT 1 FROM tasks WHERE user_id = " + tx_.quote(task.user_id) + " AND id = '" +
                 task.id.to_string() + "' FOR UPDATE");
    }
    void abort() { tx_.abort(); }

  private:
    pqxx::connection connection_;
    pqxx::work tx_;
};

int taskcore_connections(const std::string& url) {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    return tx
        .exec1(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'taskcore' "
            "AND datname = current_database()")[0]
        .as<int>();
}

}  // namespace

TEST_CASE("several instances migrating at once all succeed (advisory lock)") {
    const auto url = fresh_database();
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&] {
            auto store = open_store(url);
            if (store->migrate() == latest_schema_version()) ++ok;
        });
    }
    for (auto& t : threads) t.join();
    CHECK(ok == 6);
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    CHECK(tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<int>() ==
          latest_schema_version());
}

TEST_CASE("postgres refuses a schema newer than the build") {
    const auto url = fresh_database();
    open_store(url)->migrate();
    {
        pqxx::connection c(url);
        pqxx::nontransaction tx(c);
        tx.exec("INSERT INTO schema_migrations (version) VALUES (999)");
    }
    CHECK_THROWS_WITH(open_store(url)->migrate(),
                      Catch::Contains("schema version 999 is newer than this taskcore build"));
}

TEST_CASE("the schema uses native types and user-leading keys") {
    const auto url = fresh_database();
    open_store(url)->migrate();
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    CHECK(tx.exec1("SELECT data_type FROM information_schema.columns WHERE table_name = 'tasks' "
                   "AND column_name = 'id'")[0]
              .as<std::string>() == "uuid");
    CHECK(tx.exec1("SELECT data_type FROM information_schema.columns WHERE table_name = 'tasks' "
                   "AND column_name = 'created_at'")[0]
              .as<std::string>() == "timestamp with time zone");
    CHECK(tx.exec1("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                   "'tasks_pkey'")[0]
              .as<std::string>() == "PRIMARY KEY (user_id, id)");
    CHECK(tx.exec1("SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relnamespace = "
                   "'public'::regnamespace")[0]
              .as<int>() == 0);
    CHECK_THROWS_AS(tx.exec("INSERT INTO tasks (user_id, id, title, title_folded, completed, "
                            "priority, created_at, updated_at) VALUES ('u', gen_random_uuid(), "
                            "'x', 'x', false, 'urgent', now(), now())"),
                    pqxx::check_violation);
}

TEST_CASE("the pool never opens more than DB_POOL_SIZE + DB_MAX_OVERFLOW connections") {
    const auto url = fresh_database();
    StoreOptions options;
    options.pool_size = 2;
    options.max_overflow = 3;
    auto store = open_store(url, options);
    store->migrate();
    const auto user = fresh_user();
    std::atomic<int> peak{0};
    std::atomic<bool> done{false};
    std::thread watcher([&] {
        while (!done) {
            peak = std::max(peak.load(), taskcore_connections(url));
            std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
    });
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i) {
        threads.emplace_back([&] {
            for (int j = 0; j < 30; ++j) store->tasks().insert(make_task(user));
        });
    }
    for (auto& t : threads) t.join();
    done = true;
    watcher.join();
    CHECK(store->tasks().list(user, {}).total == 480);
    CHECK(peak <= 5);
    CHECK(peak >= 1);
}

TEST_CASE("a waiter for a connection gets a bounded-time failure, not an endless queue") {
    const auto url = fresh_database();
    StoreOptions options;
    options.pool_size = 1;
    options.max_overflow = 0;
    options.acquire_timeout = std::chrono::milliseconds{200};
    options.statement_timeout = std::chrono::milliseconds{3000};
    auto store = open_store(url, options);
    store->migrate();
    const auto user = fresh_user();
    const auto task = make_task(user);
    store->tasks().insert(task);

    // Another session holds the row lock, so the store's only connection blocks on it.
    RowLock hold(url, task);
    std::thread blocked([&] {
        CHECK_THROWS_AS(store->tasks().update(user, task.id, TaskPatch{.title = "x"}, now_ms()),
                        StorageUnavailableError);  // statement timeout after 3 s
    });
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(store->tasks().find(user, task.id), StorageUnavailableError);
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= std::chrono::milliseconds{150});
    CHECK(waited < std::chrono::milliseconds{1500});
    blocked.join();
    hold.abort();
    CHECK(store->tasks().find(user, task.id));  // the pool recovered its connection
}

TEST_CASE("the statement timeout stops runaway statements") {
    const auto url = fresh_database();
    StoreOptions options;
    options.statement_timeout = std::chrono::milliseconds{300};
    auto store = open_store(url, options);
    store->migrate();
    const auto user = fresh_user();
    const auto task = make_task(user);
    store->tasks().insert(task);
    RowLock hold(url, task);
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(store->tasks().remove(user, task.id), StorageUnavailableError);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{2});
    hold.abort();
    CHECK(store->tasks().remove(user, task.id));
}

TEST_CASE("an unreachable server fails fast with StorageUnavailableError") {
    auto store = open_store("postgresql://postgres@127.0.0.1:1/none");
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(store->ping(), StorageUnavailableError);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{4});
}

TEST_CASE("pooler mode (no named prepared statements) behaves the same") {
    const auto url = fresh_database();
    StoreOptions options;
    options.prepared_statements = false;
    auto store = open_store(url, options);
    store->migrate();
    const auto user = fresh_user();
    auto t = make_task(user);
    t.tags = {"a"};
    store->tasks().insert(t);
    CHECK(store->tasks().find(user, t.id) == t);
    TaskListQuery q;
    q.tag = "a";
    CHECK(store->tasks().list(user, q).total == 1);
    CHECK(store->tasks().set_completed(user, t.id, std::nullopt, now_ms())->completed);
    CHECK(store->conversations().list(user, PageRequest{10, 0, {}}).total == 0);
}

TEST_CASE("only failures PostgreSQL provably rolled back are retried") {
    using taskcore::postgres::rolled_back_for_retry;
    CHECK(rolled_back_for_retry(pqxx::serialization_failure("40001")));
    CHECK(rolled_back_for_retry(pqxx::deadlock_detected("40P01")));
    // 40003: the statement may have committed; running an INSERT again could store it twice.
    CHECK_FALSE(rolled_back_for_retry(pqxx::statement_completion_unknown("40003")));
    CHECK_FALSE(rolled_back_for_retry(pqxx::transaction_rollback("40000")));
}

TEST_CASE("postgres: the change log is pruned by age, and older positions need a resync") {
    auto store = open_store(fresh_database());
    store->migrate();
    taskcore::testing::check_prune_and_resync(*store);
}

namespace {

// LISTENs on the change channel and collects payloads ("<seq> <user_id>").
class ChangeChannel : public pqxx::notification_receiver {
  public:
    explicit ChangeChannel(pqxx::connection_base& c)
        : pqxx::notification_receiver(c, "taskcore_changes") {}
    void operator()(const std::string& payload, int /*backend_pid*/) override {
        payloads.push_back(payload);
    }
    std::vector<std::string> payloads;
};

struct Notified {
    std::string user;
    std::vector<std::string> payloads;
};

// Two writes by one user through a store with `notify_changes` (and prepared statements, or
// unnamed ones as behind a transaction pooler), as a LISTENing instance sees them.
Notified notifications_of_two_writes(bool notify_changes, bool prepared_statements = true) {
    const auto url = fresh_database();
    StoreOptions options;
    options.notify_changes = notify_changes;
    options.prepared_statements = prepared_statements;
    auto store = open_store(url, options);
    store->migrate();
    pqxx::connection listener(url);
    ChangeChannel channel(listener);
    Notified seen{fresh_user(), {}};
    const auto task = make_task(seen.user);
    store->tasks().insert(task);
    CHECK(store->tasks().remove(seen.user, task.id));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{1};
    while (channel.payloads.size() < 2 && std::chrono::steady_clock::now() < deadline) {
        listener.await_notification(0, 100000);
    }
    seen.payloads = channel.payloads;
    return seen;
}

}  // namespace

TEST_CASE(
    "postgres: each change-log write NOTIFYs its seq and user when notify_changes asks, never "
    "otherwise, pooler sessions included") {
    const auto on = notifications_of_two_writes(true);
    if (testing::testing_on_citus()) {
        // The trigger runs on the worker holding the user's shard: nobody LISTENs there, so
        // only announcements (ChangeListener::announce) wake instances on Citus.
        CHECK(on.payloads.empty());
    } else {
        CHECK(on.payloads == std::vector<std::string>{"1 " + on.user, "2 " + on.user});
    }
    const auto off = notifications_of_two_writes(false);
    CHECK(off.payloads.empty());
    // Behind a transaction pooler no session setting sticks: the default (no NOTIFY) holds, so
    // EVENTS_NOTIFY=false needs no ALTER ROLE.
    const auto pooled = notifications_of_two_writes(false, /*prepared_statements=*/false);
    CHECK(pooled.payloads.empty());
}

namespace {

// Waits until `done()` or two seconds pass, receiving `connection`'s notifications meanwhile.
template <typename Done>
void receive_until(pqxx::connection& connection, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        connection.await_notification(0, 50000);
    }
}

}  // namespace

TEST_CASE(
    "postgres: a change listener announces users' latest seqs in one NOTIFY, and skips "
    "its own") {
    const auto url = fresh_database();
    StoreOptions options;
    options.notify_changes = false;  // as a server's sessions: only announcements NOTIFY
    auto store = open_store(url, options);
    store->migrate();
    const auto busy = fresh_user();
    const std::string quoted = fresh_user() + R"( "quoted" \ back)";  // array-literal escaping
    const auto silent = fresh_user();                                 // no log: nothing to say
    for (int i = 0; i < 3; ++i) store->tasks().insert(make_task(busy));
    store->tasks().insert(make_task(quoted));

    boost::asio::io_context io;
    auto guard = boost::asio::make_work_guard(io);
    boost::asio::thread_pool blocking(1);
    std::mutex mutex;
    std::vector<std::string> heard;  // what the listener itself delivered
    std::atomic<int> connects{0};
    auto listener =
        open_change_listener(url, io.get_executor(), blocking.get_executor(),
                             {[&](std::string_view user, std::int64_t seq) {
                                  const std::lock_guard lock(mutex);
                                  heard.push_back(std::to_string(seq) + " " + std::string(user));
                              },
                              [&] { ++connects; }, [](const std::string&) {}});
    pqxx::connection other(url);
    ChangeChannel channel(other);
    // Announced before the connection is up: kept, then sent together once it is.
    listener->announce(busy);
    listener->announce(quoted);
    listener->announce(busy);
    listener->announce(silent);
    listener->start();
    std::thread loop([&io] { io.run(); });

    receive_until(other, [&] { return channel.payloads.size() >= 2; });
    const std::set<std::string> first(channel.payloads.begin(), channel.payloads.end());
    CHECK(first == std::set<std::string>{"3 " + busy, "1 " + quoted});
    CHECK(channel.payloads.size() == 2);
    CHECK(listener->stats().announcements == 1);

    // Once connected, an announcement goes out on its own; another session's NOTIFY reaches
    // the listener, its own announcements do not.
    store->tasks().insert(make_task(quoted));
    listener->announce(quoted);
    receive_until(other, [&] { return channel.payloads.size() >= 3; });
    REQUIRE(channel.payloads.size() == 3);
    CHECK(channel.payloads[2] == "2 " + quoted);
    {
        pqxx::nontransaction tx(other);
        tx.exec("SELECT pg_notify('taskcore_changes', '7 someone-else')");
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
    while (std::chrono::steady_clock::now() < deadline) {
        {
            const std::lock_guard lock(mutex);
            if (!heard.empty()) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{100});  // anything of its own as well
    {
        const std::lock_guard lock(mutex);
        CHECK(heard == std::vector<std::string>{"7 someone-else"});
    }
    CHECK(listener->stats().announcements == 2);
    CHECK(connects == 1);
    listener->stop();
    guard.reset();
    loop.join();
    blocking.join();
}
