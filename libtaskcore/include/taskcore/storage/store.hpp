// A storage backend (SQLite or PostgreSQL) opened from a DATABASE_URL, with its repositories.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "taskcore/storage/change_repository.hpp"
#include "taskcore/storage/conversation_repository.hpp"
#include "taskcore/storage/idempotency_repository.hpp"
#include "taskcore/storage/task_repository.hpp"
#include "taskcore/storage/ticket_repository.hpp"

namespace taskcore {

// PostgreSQL: how `migrate` lays the tables out. automatic: distributed by user_id (Citus) when
// the citus extension is installed in the database, plain tables otherwise; citus: distributed,
// and an error when the extension is missing; none: plain tables even on Citus.
enum class Distribution { automatic, citus, none };

struct StoreOptions {
    int pool_size = 5;      // persistent connections (SQLite: reader connections)
    int max_overflow = 10;  // extra PostgreSQL connections opened under load
    std::chrono::milliseconds acquire_timeout{5000};    // waiting for a free connection
    std::chrono::milliseconds busy_timeout{5000};       // SQLite lock waits
    std::chrono::milliseconds statement_timeout{5000};  // PostgreSQL runaway-query guard
    bool prepared_statements = true;  // PostgreSQL: off behind transaction poolers
    // PostgreSQL: each change-log write of this store's sessions NOTIFYs the instances
    // LISTENing (change_listener.hpp) at its commit (NOTIFY serialises commits for a moment).
    // Off, streams on other instances see these writes at their heartbeats, unless the writer
    // announces them (ChangeListener::announce, as taskcore-server does). Behind a transaction
    // pooler, where session settings do not stick, use ALTER ROLE ... SET taskcore.notify = 'on'
    // instead. On Citus the trigger runs on the workers, so only announcements reach listeners.
    bool notify_changes = true;
    Distribution distribution = Distribution::automatic;
};

// Repositories that share one transaction (Store::transaction).
struct UnitOfWork {
    TaskRepository& tasks;
    ConversationRepository& conversations;
    IdempotencyRepository& idempotency;
};

// Thread-safe: repositories may be used from many threads at once; each call checks a
// connection out for its unit of work.
class Store {
  public:
    virtual ~Store() = default;

    virtual TaskRepository& tasks() = 0;
    virtual ConversationRepository& conversations() = 0;
    virtual IdempotencyRepository& idempotency() = 0;
    // The per-user change log every write above appends to in its own transaction.
    virtual ChangeRepository& changes() = 0;
    // Used event-stream tickets (single use across instances).
    virtual TicketRepository& tickets() = 0;

    // Runs `work` with repositories bound to one connection and one transaction, committed when
    // `work` returns and rolled back when it throws (the exception goes on). Never retried. Keep
    // it to writes: on SQLite it holds the writer for its whole length.
    virtual void transaction(const std::function<void(UnitOfWork&)>& work) = 0;

    // "sqlite" or "postgresql".
    [[nodiscard]] virtual std::string_view backend() const = 0;
    // A trivial query (SELECT 1); throws StorageUnavailableError when the database does not answer.
    virtual void ping() = 0;
    // Parts of the database that do not answer while the database itself does: on Citus, the
    // workers ("host:port") the coordinator cannot reach (their users' requests fail meanwhile,
    // everyone else's work). Empty on SQLite and plain PostgreSQL. Throws like ping().
    virtual std::vector<std::string> unreachable_nodes() { return {}; }
    // True when the tables are distributed (Citus), as the last migrate() found them.
    [[nodiscard]] virtual bool distributed() const { return false; }
    // Applies pending migrations; returns the schema version afterwards. Safe to call at every
    // start; throws StorageError when the database's schema is newer than this build knows.
    virtual int migrate() = 0;
    // Deletes everything the given user owns (used by `seed --reset`).
    virtual void delete_user_data(std::string_view user_id) = 0;

    // Connection pool occupancy, for metrics.
    struct PoolStats {
        int open = 0;      // connections open now
        int in_use = 0;    // checked out for a unit of work
        int waiters = 0;   // callers waiting for one
        int capacity = 0;  // the most that may be open
    };
    virtual PoolStats pool_stats() = 0;
};

// sqlite:///relative/path.db, sqlite:////absolute/path.db, sqlite::memory:,
// postgresql://... or postgres://... Throws std::invalid_argument for anything else.
std::unique_ptr<Store> open_store(const std::string& url, const StoreOptions& options = {});

// The schema version this build of the library creates and understands.
int latest_schema_version();

}  // namespace taskcore
