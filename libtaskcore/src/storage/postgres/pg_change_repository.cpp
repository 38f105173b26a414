// The change log on PostgreSQL: a page and the latest seq from one read-only snapshot.
#include "pg_statements.hpp"
#include "pg_store.hpp"
#include "storage/row_decoding.hpp"
#include "storage/shared_sql.hpp"

namespace taskcore::postgres {
namespace {

std::int64_t latest_in(Connection& c, pqxx::transaction_base& tx, const Params& user) {
    const auto rows = c.exec(tx, sql::kChangesLatest, user);
    return rows.empty() ? 0 : rows[0][0].as<std::int64_t>();
}

}  // namespace

ChangePage PgChangeRepository::after(std::string_view user_id, std::int64_t since, int limit) {
    Params user;
    user.text(user_id);
    Params page;
    page.text(user_id).integer(since).integer(storage::rows_to_read(limit));
    return pool_.run(true, [&](Connection& c) {
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c.raw());
        ChangePage out;
        out.latest_seq = latest_in(c, tx, user);
        if (since < out.latest_seq) {
            for (const auto& row : c.exec(tx, sql::kChangesAfter, page)) {
                out.changes.push_back(storage::decode_change(PgRow{row}));
            }
        }
        tx.commit();
        out.has_more = storage::trim_to_limit(out.changes, limit);
        return out;
    });
}

std::int64_t PgChangeRepository::latest_seq(std::string_view user_id) {
    Params user;
    user.text(user_id);
    return pool_.run(true, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return latest_in(c, tx, user);
    });
}

std::int64_t PgChangeRepository::prune(Timestamp before) {
    Params p;
    p.time(before);
    return pool_.run(true, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return static_cast<std::int64_t>(c.exec(tx, sql::kChangesPrune, p).affected_rows());
    });
}

}  // namespace taskcore::postgres
