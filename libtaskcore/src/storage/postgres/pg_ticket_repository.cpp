// Used event-stream tickets on PostgreSQL: one row per (user, ticket) until it expires.
#include "pg_store.hpp"

namespace taskcore::postgres {
namespace {

using storage::Statement;

// ON CONFLICT waits for a concurrent use of the same ticket to commit: exactly one wins.
const Statement kUse{"tickets.use",
                     "INSERT INTO used_event_tickets (user_id, ticket_id, expires_at) "
                     "VALUES ($1, $2, $3::timestamptz) ON CONFLICT DO NOTHING"};
const Statement kPrune{"tickets.prune",
                       "DELETE FROM used_event_tickets WHERE expires_at < $1::timestamptz"};

}  // namespace

bool PgTicketRepository::use(std::string_view user_id, std::string_view ticket_id,
                             Timestamp expires_at) {
    Params p;
    p.text(user_id).text(ticket_id).time(expires_at);
    return pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return c.exec(tx, kUse, p).affected_rows() == 1;
    });
}

std::int64_t PgTicketRepository::prune(Timestamp before) {
    Params p;
    p.time(before);
    return pool_.run(true, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return static_cast<std::int64_t>(c.exec(tx, kPrune, p).affected_rows());
    });
}

}  // namespace taskcore::postgres
