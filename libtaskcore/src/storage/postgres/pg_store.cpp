// PgStore: connection set-up, health check and per-user data deletion.
#include "pg_store.hpp"
#include "storage/shared_sql.hpp"

namespace taskcore::postgres {

PgStore::PgStore(const std::string& url, const StoreOptions& options)
    : pool_(make_conninfo(url), options), distribution_(options.distribution) {}

void PgStore::ping() {
    pool_.run(true, [](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        tx.exec("SELECT 1");
    });
}

void PgStore::delete_user_data(std::string_view user_id) {
    Params p;
    p.text(user_id);
    pool_.run(true, [&](Connection& c) {
        pqxx::work tx(c.raw());
        for (const auto table : storage::kUserTables) {
            const std::string name(table);
            c.exec(tx, {"delete_user_data." + name, "DELETE FROM " + name + " WHERE user_id = $1"},
                   p);
        }
        tx.commit();
    });
}

}  // namespace taskcore::postgres
