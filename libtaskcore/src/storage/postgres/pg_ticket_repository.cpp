// Used event-stream tickets on PostgreSQL: one row per (user, ticket) until it expires.
#include "pg_statements.hpp"
#include "pg_store.hpp"

namespace taskcore::postgres {
bool PgTicketRepository::use(std::string_view user_id, std::string_view ticket_id,
                             Timestamp expires_at) {
    Params p;
    p.text(user_id).text(ticket_id).time(expires_at);
    return pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return c.exec(tx, sql::kTicketUse, p).affected_rows() == 1;
    });
}

std::int64_t PgTicketRepository::prune(Timestamp before) {
    Params p;
    p.time(before);
    return pool_.run(true, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return static_cast<std::int64_t>(c.exec(tx, sql::kTicketPrune, p).affected_rows());
    });
}

}  // namespace taskcore::postgres
