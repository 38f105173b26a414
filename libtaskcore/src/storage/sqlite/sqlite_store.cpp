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

}  // namespace taskcore::sqlite
