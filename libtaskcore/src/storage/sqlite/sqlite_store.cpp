// SqliteStore: health check, migrations and per-user data deletion.
#include "sqlite_store.hpp"

#include "sqlite_migrations.hpp"
#include "storage/shared_sql.hpp"
#include "taskcore/domain/errors.hpp"

namespace taskcore::sqlite {

SqliteStore::SqliteStore(std::string path, const StoreOptions& options)
    : pool_(std::move(path), options.pool_size, options.busy_timeout, options.acquire_timeout) {}

void SqliteStore::ping() {
    pool_.read([](Connection& c) {
        auto st = c.prepare({"ping", "SELECT 1"});
        st->executeStep();
    });
}

int SqliteStore::migrate() {
    return pool_.write_alone([](Connection& c) { return sqlite::migrate(c); });
}

void SqliteStore::delete_user_data(std::string_view user_id) {
    pool_.write([&](Connection& c) {
        Transaction tx(c, Transaction::Kind::write);
        for (const auto table : storage::kUserTables) {
            const std::string name(table);
            auto st = c.prepare(
                {"delete_user_data." + name, "DELETE FROM " + name + " WHERE user_id = ?"});
            st->bind(1, std::string(user_id));
            st->exec();
        }
        tx.commit();
    });
}

void SqliteStore::transaction(const std::function<void(UnitOfWork&)>& work) {
    // One write of the writer queue: inside a group-committed batch the transaction becomes a
    // savepoint of it, so it still commits (or rolls back) as one.
    pool_.write([&](Connection& c) {
        Transaction tx(c, Transaction::Kind::write);
        SqliteTaskRepository tasks{PoolRef(c)};
        SqliteConversationRepository conversations{PoolRef(c)};
        SqliteIdempotencyRepository idempotency{PoolRef(c)};
        UnitOfWork unit{tasks, conversations, idempotency};
        work(unit);
        tx.commit();
    });
}

}  // namespace taskcore::sqlite
