// Idempotency keys on PostgreSQL: one row per (user, key), found by primary key.
#include "pg_statements.hpp"
#include "pg_store.hpp"

namespace taskcore::postgres {

std::optional<IdempotencyRecord> PgIdempotencyRepository::find(std::string_view user_id,
                                                               std::string_view key,
                                                               Timestamp not_before) {
    Params p;
    p.text(user_id).text(key).time(not_before);
    return pool_.run(true, [&](Connection& c) -> std::optional<IdempotencyRecord> {
        pqxx::nontransaction tx(c.raw());
        const auto rows = c.exec(tx, sql::kIdempotencyFind, p);
        if (rows.empty()) return std::nullopt;
        const auto& r = rows[0];
        return IdempotencyRecord{r[0].as<std::string>(),
                                 {r[1].as<int>(), r[2].as<std::string>(), r[3].as<std::string>(),
                                  r[4].as<std::string>()}};
    });
}

bool PgIdempotencyRepository::insert(std::string_view user_id, std::string_view key,
                                     const IdempotencyRecord& record, Timestamp now,
                                     Timestamp not_before) {
    const auto& r = record.response;
    Params p;
    p.text(user_id).text(key).text(record.fingerprint).integer(r.status).text(r.location);
    p.text(r.etag).text(r.body).time(now).time(not_before);
    return pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return c.exec(tx, sql::kIdempotencyInsert, p).affected_rows() == 1;
    });
}

std::int64_t PgIdempotencyRepository::prune(Timestamp before) {
    Params p;
    p.time(before);
    return pool_.run(true, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return static_cast<std::int64_t>(c.exec(tx, sql::kIdempotencyPrune, p).affected_rows());
    });
}

}  // namespace taskcore::postgres
