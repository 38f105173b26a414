// Used event-stream tickets on SQLite: one row per (user, ticket) until it expires (Unix ms).
#include "sqlite_store.hpp"

namespace taskcore::sqlite {
namespace {

using storage::Statement;

const Statement kUse{"tickets.use",
                     "INSERT INTO used_event_tickets (user_id, ticket_id, expires_at) "
                     "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"};
const Statement kPrune{"tickets.prune", "DELETE FROM used_event_tickets WHERE expires_at < ?"};

}  // namespace

bool SqliteTicketRepository::use(std::string_view user_id, std::string_view ticket_id,
                                 Timestamp expires_at) {
    return pool_.write([&](Connection& c) {
        auto st = c.prepare(kUse);
        st->bind(1, std::string(user_id));
        st->bind(2, std::string(ticket_id));
        st->bind(3, to_unix_ms(expires_at));
        return st->exec() == 1;
    });
}

std::int64_t SqliteTicketRepository::prune(Timestamp before) {
    return pool_.write([&](Connection& c) {
        auto st = c.prepare(kPrune);
        st->bind(1, to_unix_ms(before));
        return static_cast<std::int64_t>(st->exec());
    });
}

}  // namespace taskcore::sqlite
