// PostgreSQL pool mechanics and error translation.
#include "pg_pool.hpp"

#include <libpq-fe.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "taskcore/domain/errors.hpp"

namespace taskcore::postgres {
namespace {

using Clock = std::chrono::steady_clock;

// A connection idle longer than this gets a SELECT 1 before reuse (servers, proxies and NATs
// drop idle connections silently).
constexpr auto kLivenessCheckAfter = std::chrono::seconds{10};
// Overflow connections above DB_POOL_SIZE close after this long unused; reopening them for
// every burst would cost more than the queries they serve.
constexpr auto kOverflowIdleLifetime = std::chrono::seconds{30};

bool has_parameter(const std::string& url, const std::string& name) {
    return url.find("?" + name + "=") != std::string::npos ||
           url.find("&" + name + "=") != std::string::npos;
}

}  // namespace

std::string make_conninfo(const std::string& url) {
    std::string out = url;
    auto add = [&](const std::string& name, const std::string& value) {
        if (has_parameter(out, name)) return;
        out += out.find('?') == std::string::npos ? '?' : '&';
        out += name + "=" + value;
    };
    add("connect_timeout", std::to_string(kConnectTimeout.count()));
    add("application_name", "taskcore");
    return out;
}

std::chrono::milliseconds connect_timeout_of(const std::string& conninfo) {
    std::chrono::milliseconds timeout = kConnectTimeout;
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (options == nullptr) {
        PQfreemem(error);
        return timeout;  // the connect itself reports what is wrong with the conninfo
    }
    for (const auto* o = options; o->keyword != nullptr; ++o) {
        if (std::string_view(o->keyword) != "connect_timeout" || o->val == nullptr) continue;
        char* end = nullptr;
        const long seconds = std::strtol(o->val, &end, 10);
        if (end == o->val || *end != '\0') break;
        timeout = seconds <= 0 ? std::chrono::hours{24}  // "no limit", bounded for the timer
                               : std::chrono::seconds{std::max(2L, seconds)};
    }
    PQconninfoFree(options);
    return timeout;
}

Connection::Connection(const std::string& conninfo, const StoreOptions& options)
    : last_used(Clock::now()),
      connection_(conninfo),
      prepared_statements_(options.prepared_statements) {
    // Session settings only stick on a session of our own; behind a transaction-mode pooler
    // set them on the database role instead (docs/postgresql.md).
    if (prepared_statements_) {
        pqxx::nontransaction tx(connection_);
        tx.exec("SET statement_timeout = " + std::to_string(options.statement_timeout.count()));
        // The change-log trigger NOTIFYs this session's writes at commit (opt-in since
        // migration 7).
        if (options.notify_changes) tx.exec("SET taskcore.notify = 'on'");
    }
}

pqxx::result Connection::exec(pqxx::transaction_base& tx, const storage::Statement& statement,
                              const Params& params) {
    const auto values = params.pointers();
    if (!prepared_statements_) {
        return tx.exec_params(statement.sql, pqxx::prepare::make_dynamic_params(values));
    }
    const auto [it, inserted] = prepared_.try_emplace(statement.name, statement.sql);
    if (inserted) {
        try {
            connection_.prepare(statement.name, statement.sql);
        } catch (...) {
            prepared_.erase(it);
            throw;
        }
    } else if (it->second != statement.sql) {
        // A programming error: two statements given one name.
        throw std::logic_error("statement name '" + statement.name + "' used for two SQL texts");
    }
    return tx.exec_prepared(statement.name, pqxx::prepare::make_dynamic_params(values));
}

Pool::Pool(std::string conninfo, const StoreOptions& options)
    : conninfo_(std::move(conninfo)), options_(options) {
    reaper_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            reaper_wake_.wait_for(lock, std::chrono::seconds{5});
            if (stopping_) break;
            lock.unlock();
            reap_idle_overflow();
            lock.lock();
        }
    });
}

Pool::~Pool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    available_.notify_all();
    reaper_wake_.notify_all();
    reaper_.join();
}

std::unique_ptr<Connection> Pool::open() {
    return std::make_unique<Connection>(conninfo_, options_);
}

std::unique_ptr<Connection> Pool::acquire() {
    const auto deadline = Clock::now() + options_.acquire_timeout;
    const int capacity = options_.pool_size + options_.max_overflow;
    std::unique_lock lock(mutex_);
    ++waiters_;
    while (true) {
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            --waiters_;
            ++in_use_;
            lock.unlock();
            if (Clock::now() - c->last_used < kLivenessCheckAfter) return c;
            try {
                pqxx::nontransaction tx(c->raw());
                tx.exec("SELECT 1");
                return c;
            } catch (const std::exception&) {
                c.reset();  // dead: drop it and look again
                lock.lock();
                --open_;
                --in_use_;
                ++waiters_;
                continue;
            }
        }
        if (open_ < capacity) {
            ++open_;
            ++in_use_;
            --waiters_;
            lock.unlock();
            try {
                return open();
            } catch (const std::exception& e) {
                lock.lock();
                --open_;
                --in_use_;
                available_.notify_one();
                throw StorageUnavailableError(std::string("postgresql: cannot connect: ") +
                                              e.what());
            }
        }
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_ >= capacity) {
            --waiters_;
            throw StorageUnavailableError("postgresql: all " + std::to_string(capacity) +
                                          " connections busy; timed out waiting for one");
        }
    }
}

void Pool::release(std::unique_ptr<Connection> connection, bool broken) {
    if (broken) {
        connection.reset();  // closes outside the lock
        std::lock_guard lock(mutex_);
        --open_;
        --in_use_;
        available_.notify_one();
        return;
    }
    connection->last_used = Clock::now();
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
    --in_use_;
    available_.notify_one();
}

void Pool::reap_idle_overflow() {
    std::vector<std::unique_ptr<Connection>> doomed;
    {
        std::lock_guard lock(mutex_);
        // idle_ is ordered by last use, oldest first: close from the front while above the
        // persistent pool size.
        while (open_ > options_.pool_size && !idle_.empty() &&
               Clock::now() - idle_.front()->last_used > kOverflowIdleLifetime) {
            doomed.push_back(std::move(idle_.front()));
            idle_.erase(idle_.begin());
            --open_;
        }
    }
}

Store::PoolStats Pool::stats() {
    std::lock_guard lock(mutex_);
    return {open_, in_use_, waiters_, options_.pool_size + options_.max_overflow};
}

Pool::Lease::Lease(Pool& p) : pool(p), connection(p.acquire()) {}

Pool::Lease::~Lease() {
    if (connection) pool.release(std::move(connection), broken);
}

SqlStateKind classify_sqlstate(std::string_view state, bool connection_usable) {
    // 08: connection exception, 53: insufficient resources, 57: operator intervention
    // (57014 statement timeout, 57P01 admin shutdown, 57P03 cannot connect now).
    const bool broken = !connection_usable || state.starts_with("57P");
    const bool transient =
        state.starts_with("08") || state.starts_with("53") || state.starts_with("57");
    return {broken || transient, broken};
}

void throw_sql_error(SqlStateKind kind, std::string_view state, std::string_view message) {
    const std::string text = "postgresql (" + std::string(state) + "): " + std::string(message);
    if (kind.unavailable) throw StorageUnavailableError(text);
    throw StorageError(text);
}

bool rolled_back_for_retry(const pqxx::transaction_rollback& failure) {
    if (dynamic_cast<const pqxx::statement_completion_unknown*>(&failure) != nullptr) return false;
    return dynamic_cast<const pqxx::serialization_failure*>(&failure) != nullptr ||
           dynamic_cast<const pqxx::deadlock_detected*>(&failure) != nullptr;
}

void Pool::translate_current_exception(Lease& lease) {
    try {
        throw;
    } catch (const StorageUnavailableError&) {
        throw;
    } catch (const StorageError&) {
        throw;
    } catch (const pqxx::statement_completion_unknown& e) {
        lease.broken = true;
        throw StorageUnavailableError(std::string("postgresql: statement outcome unknown: ") +
                                      e.what());
    } catch (const pqxx::broken_connection& e) {
        lease.broken = true;
        throw StorageUnavailableError(std::string("postgresql: connection lost: ") + e.what());
    } catch (const pqxx::in_doubt_error& e) {
        lease.broken = true;
        throw StorageUnavailableError(std::string("postgresql: commit outcome unknown: ") +
                                      e.what());
    } catch (const pqxx::transaction_rollback& e) {
        throw StorageUnavailableError(std::string("postgresql: conflict persisted: ") + e.what());
    } catch (const pqxx::sql_error& e) {
        const auto kind = classify_sqlstate(e.sqlstate(), lease.connection->raw().is_open());
        if (kind.connection_broken) lease.broken = true;
        throw_sql_error(kind, e.sqlstate(), e.what());
    } catch (const pqxx::failure& e) {
        lease.broken = true;
        throw StorageError(std::string("postgresql: ") + e.what());
    }
}

void Pool::backoff(int attempt) {
    unsigned char r = 0;
    RAND_bytes(&r, 1);
    std::this_thread::sleep_for(std::chrono::milliseconds{5 * attempt + r % (10 * attempt)});
}

}  // namespace taskcore::postgres
