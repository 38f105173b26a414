// PgStore: connection set-up, health check and per-user data deletion.
#include "pg_store.hpp"

namespace taskcore::postgres {

PgStore::PgStore(const std::string& url, const StoreOptions& options)
    : pool_(make_conninfo(url), options) {}

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
        c.exec(tx, "DELETE FROM messages WHERE user_id = $1", p);
        c.exec(tx, "DELETE FROM conversations WHERE user_id = $1", p);
        c.exec(tx, "DELETE FROM tasks WHERE user_id = $1", p);
        c.exec(tx, "DELETE FROM task_counts WHERE user_id = $1", p);
        tx.commit();
    });
}

}  // namespace taskcore::postgres
