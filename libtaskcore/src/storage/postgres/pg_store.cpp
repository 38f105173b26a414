// PgStore: connection set-up, health check, transactions and per-user data deletion.
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

std::vector<std::string> PgStore::unreachable_nodes() {
    if (!distributed_) return {};
    return pool_.run(true, [](Connection& c) {
        pqxx::work tx(c.raw());
        // A worker that drops packets would hold each check for Citus's 30 s connect default.
        tx.exec("SET LOCAL citus.node_connection_timeout = 1000");
        std::vector<std::string> down;
        for (const auto& row :
             tx.exec("SELECT nodename || ':' || nodeport FROM pg_dist_node WHERE noderole = "
                     "'primary' AND isactive AND groupid > 0 AND NOT "
                     "citus_check_connection_to_node(nodename, nodeport) ORDER BY 1")) {
            down.emplace_back(row[0].c_str());
        }
        tx.commit();
        return down;
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

void PgStore::transaction(const std::function<void(UnitOfWork&)>& work) {
    pool_.run(false, [&](Connection& c) {
        // BEGIN/COMMIT as plain statements: the repositories open their own (non-)transaction
        // objects on the connection for each statement, which libpqxx allows one at a time.
        auto exec = [&](const char* statement) {
            pqxx::nontransaction tx(c.raw());
            tx.exec(statement);
        };
        exec("BEGIN");
        try {
            PgTaskRepository tasks{PoolRef(c)};
            PgConversationRepository conversations{PoolRef(c)};
            PgIdempotencyRepository idempotency{PoolRef(c)};
            UnitOfWork unit{tasks, conversations, idempotency};
            work(unit);
            exec("COMMIT");
        } catch (...) {
            try {
                exec("ROLLBACK");
            } catch (...) {
                // The connection cannot say where it stands: let the pool discard it.
                throw pqxx::broken_connection("ROLLBACK failed after an error in a transaction");
            }
            throw;
        }
    });
}

}  // namespace taskcore::postgres
