// PostgreSQL connections: a bounded pool with overflow, liveness checks, prepared statements
// per connection, and the mapping of libpqxx errors to the library's storage errors.
#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "pg_params.hpp"
#include "storage/statement.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::postgres {

class Connection {
  public:
    // Uses prepared_statements, statement_timeout and notify_changes of `options`.
    Connection(const std::string& conninfo, const StoreOptions& options);

    // Runs `statement` with `params` in `tx`, prepared once on this connection under its name,
    // or, behind transaction-mode poolers, as an unnamed parameterised statement.
    pqxx::result exec(pqxx::transaction_base& tx, const storage::Statement& statement,
                      const Params& params);
    pqxx::connection& raw() { return connection_; }

    std::chrono::steady_clock::time_point last_used;

  private:
    pqxx::connection connection_;
    bool prepared_statements_;
    std::unordered_map<std::string, std::string> prepared_;  // name -> SQL text
};

// What a failed statement means for the caller: `unavailable` (transient: 503 and Retry-After)
// and `connection_broken` (the connection must not be reused). One rule for both PostgreSQL
// paths. `connection_usable`: our connection still works after the error (the server reported
// it and went on). A connection exception (08) on a usable connection is the database's own
// connection failing, a Citus coordinator's to a worker that is down: transient for this
// request, no reason to drop a connection every other user's requests share.
struct SqlStateKind {
    bool unavailable = false;
    bool connection_broken = false;
};
SqlStateKind classify_sqlstate(std::string_view state, bool connection_usable);
// Throws StorageUnavailableError or StorageError for a failed statement.
[[noreturn]] void throw_sql_error(SqlStateKind kind, std::string_view state,
                                  std::string_view message);

// True only for failures after which the database has provably undone the work, so running it
// again cannot apply it twice: serialization failures (40001) and deadlocks (40P01). libpqxx 6.4
// also files 40003 (statement_completion_unknown: the statement may have committed) under
// transaction_rollback; it is never retried.
bool rolled_back_for_retry(const pqxx::transaction_rollback& failure);

class Pool {
  public:
    Pool(std::string conninfo, const StoreOptions& options);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // Runs `work` on a pooled connection. Serialization failures and deadlocks (the transaction
    // was rolled back, so nothing happened) are retried with jittered backoff; a connection that
    // breaks is discarded, and the work is retried on a fresh one only when `idempotent`.
    // Failures surface as StorageUnavailableError (transient) or StorageError.
    template <typename F>
    auto run(bool idempotent, F&& work) -> decltype(work(std::declval<Connection&>())) {
        constexpr int kAttempts = 4;
        for (int attempt = 1;; ++attempt) {
            Lease lease(*this);
            try {
                return work(*lease.connection);
            } catch (const pqxx::transaction_rollback& e) {
                if (!rolled_back_for_retry(e) || attempt >= kAttempts) {
                    translate_current_exception(lease);
                }
                backoff(attempt);
            } catch (const pqxx::broken_connection&) {
                lease.broken = true;
                if (!idempotent || attempt >= 2) translate_current_exception(lease);
            } catch (...) {
                translate_current_exception(lease);
            }
        }
    }

    Store::PoolStats stats();

  private:
    struct Lease {
        explicit Lease(Pool& pool);
        ~Lease();
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Pool& pool;
        std::unique_ptr<Connection> connection;
        bool broken = false;
    };

    std::unique_ptr<Connection> acquire();
    void release(std::unique_ptr<Connection> connection, bool broken);
    std::unique_ptr<Connection> open();
    void reap_idle_overflow();
    [[noreturn]] static void translate_current_exception(Lease& lease);
    static void backoff(int attempt);

    std::string conninfo_;
    StoreOptions options_;
    std::mutex mutex_;
    std::condition_variable available_;  // waiters for a connection only
    // The reaper's own wait: sharing available_ made most releases wake it for nothing, and a
    // notify_one could be lost to it while a worker waited.
    std::condition_variable reaper_wake_;
    std::vector<std::unique_ptr<Connection>> idle_;  // most recently used last
    int open_ = 0;
    int in_use_ = 0;
    int waiters_ = 0;
    bool stopping_ = false;
    std::thread reaper_;
};

// How long a connection attempt may take unless the URL says (connect_timeout=): libpq's limit
// for the pool, the pipeline's own timer (libpq leaves non-blocking connects to the caller).
inline constexpr std::chrono::seconds kConnectTimeout{3};

// Adds connect_timeout and application_name to a postgresql:// URL unless it sets them.
std::string make_conninfo(const std::string& url);
// The connect_timeout a conninfo asks for, as libpq reads it (seconds; below 2 means 2; 0 means
// no limit), for the asynchronous connect, where libpq itself does not apply it.
std::chrono::milliseconds connect_timeout_of(const std::string& conninfo);

// Where a repository's statements run: the pool (each call checks a connection out), or one
// connection already inside a transaction (Store::transaction: no checkout, no retry, the
// transaction's owner translates errors).
class PoolRef {
  public:
    PoolRef(Pool& pool) : pool_(&pool) {}  // NOLINT(google-explicit-constructor): the common case
    explicit PoolRef(Connection& bound) : bound_(&bound) {}

    template <typename F>
    auto run(bool idempotent, F&& work) -> decltype(work(std::declval<Connection&>())) {
        if (bound_ != nullptr) return work(*bound_);
        return pool_->run(idempotent, std::forward<F>(work));
    }

  private:
    Pool* pool_ = nullptr;
    Connection* bound_ = nullptr;
};

}  // namespace taskcore::postgres
