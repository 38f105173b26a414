// SQLite's write path: group commit (writes queued behind a running one share a transaction, yet
// each gets its own result and error, and a failing write leaves nothing of itself behind) and
// the checkpointer that keeps the WAL small while writes go on.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_pool.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/uuid.hpp"

using namespace taskcore;
using taskcore::sqlite::Connection;
using taskcore::sqlite::Pool;
using taskcore::sqlite::Transaction;

namespace {

std::string temp_db() {
    auto dir = std::filesystem::temp_directory_path() /
               ("taskcore-group-commit-" + generate_uuid_v7().to_string());
    std::filesystem::create_directories(dir);
    return (dir / "batch.db").string();
}

bool in_transaction(Connection& c) {
    return sqlite3_get_autocommit(c.database().getHandle()) == 0;
}

std::vector<std::string> rows(Pool& pool) {
    return pool.read([](Connection& c) {
        std::vector<std::string> out;
        SQLite::Statement st(c.database(), "SELECT k || '=' || v FROM t ORDER BY k");
        while (st.executeStep()) out.push_back(st.getColumn(0).getString());
        return out;
    });
}

// Holds the writer with one write until `queued` more are waiting, so they form one batch.
struct HeldWriter {
    Pool& pool;
    std::atomic<bool> release{false};
    std::thread thread;
    explicit HeldWriter(Pool& p) : pool(p) {
        std::atomic<bool> started{false};
        thread = std::thread([this, &started] {
            pool.write([&](Connection& c) {
                started = true;
                while (!release) std::this_thread::yield();
                c.exec("INSERT INTO t VALUES (1, 'held')");
            });
        });
        while (!started) std::this_thread::yield();
    }
    void release_when_waiting(int queued) {
        while (pool.stats().waiters < queued) std::this_thread::yield();
        release = true;
        thread.join();
    }
};

}  // namespace

TEST_CASE("sqlite writes queued behind a running one commit together, each with its own result") {
    Pool pool(temp_db(), 2, std::chrono::milliseconds{1000}, std::chrono::milliseconds{1000});
    pool.write_alone(
        [](Connection& c) { c.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"); });

    HeldWriter held(pool);
    std::atomic<bool> batched_in_transaction{false};
    std::atomic<bool> failing_write_threw{false};
    std::atomic<bool> failing_transaction_threw{false};
    std::atomic<int> returned{0};
    std::vector<std::thread> writers;
    writers.emplace_back([&] {
        returned += pool.write([&](Connection& c) {
            batched_in_transaction = in_transaction(c);
            c.exec("INSERT INTO t VALUES (2, 'plain')");
            return c.changes();
        });
    });
    writers.emplace_back([&] {
        try {
            // Its first row must vanish with it: the savepoint is rolled back, not the batch.
            pool.write([](Connection& c) {
                c.exec("INSERT INTO t VALUES (5, 'half')");
                c.exec("INSERT INTO t VALUES (1, 'duplicate')");
            });
        } catch (const StorageError&) {
            failing_write_threw = true;
        }
    });
    writers.emplace_back([&] {
        pool.write([](Connection& c) {
            Transaction tx(c, Transaction::Kind::write);  // nested: a savepoint of the batch
            c.exec("INSERT INTO t VALUES (3, 'transaction')");
            tx.commit();
        });
    });
    writers.emplace_back([&] {
        try {
            pool.write([](Connection& c) {
                Transaction tx(c, Transaction::Kind::write);
                c.exec("INSERT INTO t VALUES (6, 'abandoned')");
                throw NotFoundError("given up before commit");
            });
        } catch (const NotFoundError&) {
            failing_transaction_threw = true;
        }
    });
    held.release_when_waiting(4);
    for (auto& w : writers) w.join();

    CHECK(batched_in_transaction);
    CHECK(returned == 1);
    CHECK(failing_write_threw);
    CHECK(failing_transaction_threw);
    CHECK(rows(pool) == std::vector<std::string>{"1=held", "2=plain", "3=transaction"});
    CHECK(pool.stats().waiters == 0);
}

TEST_CASE("sqlite group commit survives many concurrent writers") {
    Pool pool(temp_db(), 2, std::chrono::milliseconds{1000}, std::chrono::milliseconds{5000});
    pool.write_alone(
        [](Connection& c) { c.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"); });
    constexpr int kThreads = 16;
    constexpr int kWritesEach = 200;
    std::atomic<int> conflicts{0};
    std::vector<std::thread> writers;
    writers.reserve(kThreads);
    for (int w = 0; w < kThreads; ++w) {
        writers.emplace_back([&, w] {
            for (int i = 0; i < kWritesEach; ++i) {
                // Every tenth write of each thread collides with the previous one on purpose.
                const int key = w * kWritesEach + (i % 10 == 9 ? i - 1 : i);
                try {
                    pool.write([&](Connection& c) {
                        SQLite::Statement st(c.database(), "INSERT INTO t VALUES (?, 'x')");
                        st.bind(1, key);
                        st.exec();
                    });
                } catch (const StorageError&) {
                    ++conflicts;
                }
            }
        });
    }
    for (auto& w : writers) w.join();
    CHECK(conflicts == kThreads * kWritesEach / 10);
    const auto stored = pool.read([](Connection& c) {
        SQLite::Statement st(c.database(), "SELECT COUNT(*) FROM t");
        st.executeStep();
        return st.getColumn(0).getInt();
    });
    CHECK(stored == kThreads * kWritesEach * 9 / 10);
}

TEST_CASE("sqlite's checkpointer keeps pace with writes and idles without them") {
    using std::chrono::milliseconds;
    using Clock = std::chrono::steady_clock;
    Pool pool(temp_db(), 1, milliseconds{1000}, milliseconds{1000});
    pool.write_alone(
        [](Connection& c) { c.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"); });

    // 1.5 s of writes: at the idle period (250 ms) that is at most 7 checkpoints.
    const auto before = pool.checkpoints();
    int written = 0;
    for (const auto end = Clock::now() + milliseconds{1500}; Clock::now() < end;) {
        pool.write([&](Connection& c) {
            c.exec(("INSERT INTO t VALUES (" + std::to_string(++written) + ", 'x')").c_str());
        });
    }
    CHECK(pool.checkpoints() - before >= 10);

    // Without writes it looks once per idle period (4 a second), not every few milliseconds.
    std::this_thread::sleep_for(milliseconds{300});  // it notices the WAL has stopped growing
    const auto idle_from = pool.checkpoints();
    std::this_thread::sleep_for(milliseconds{1000});
    CHECK(pool.checkpoints() - idle_from <= 8);
    CHECK(rows(pool).size() == static_cast<std::size_t>(written));
}
