// Idempotency keys on SQLite: one row per (user, key); times are Unix milliseconds.
#include "sqlite_store.hpp"

namespace taskcore::sqlite {
namespace {

using storage::Statement;

const Statement kFind{"idempotency.find",
                      "SELECT fingerprint, status, location, etag, body FROM idempotency_keys "
                      "WHERE user_id = ? AND key = ? AND created_at >= ?"};
// Replaces an expired row only; a live one makes it a no-op (0 rows changed).
const Statement kInsert{
    "idempotency.insert",
    "INSERT INTO idempotency_keys (user_id, key, fingerprint, status, location, etag, body, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (user_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, "
    "status = excluded.status, location = excluded.location, etag = excluded.etag, "
    "body = excluded.body, created_at = excluded.created_at "
    "WHERE idempotency_keys.created_at < ?9"};
const Statement kPrune{"idempotency.prune", "DELETE FROM idempotency_keys WHERE created_at < ?"};

}  // namespace

std::optional<IdempotencyRecord> SqliteIdempotencyRepository::find(std::string_view user_id,
                                                                   std::string_view key,
                                                                   Timestamp not_before) {
    return pool_.read([&](Connection& c) -> std::optional<IdempotencyRecord> {
        auto st = c.prepare(kFind);
        st->bind(1, std::string(user_id));
        st->bind(2, std::string(key));
        st->bind(3, to_unix_ms(not_before));
        if (!st->executeStep()) return std::nullopt;
        return IdempotencyRecord{st->getColumn(0).getString(),
                                 {st->getColumn(1).getInt(), st->getColumn(2).getString(),
                                  st->getColumn(3).getString(), st->getColumn(4).getString()}};
    });
}

bool SqliteIdempotencyRepository::insert(std::string_view user_id, std::string_view key,
                                         const IdempotencyRecord& record, Timestamp now,
                                         Timestamp not_before) {
    return pool_.write([&](Connection& c) {
        auto st = c.prepare(kInsert);
        st->bind(1, std::string(user_id));
        st->bind(2, std::string(key));
        st->bind(3, record.fingerprint);
        st->bind(4, record.response.status);
        st->bind(5, record.response.location);
        st->bind(6, record.response.etag);
        st->bind(7, record.response.body);
        st->bind(8, to_unix_ms(now));
        st->bind(9, to_unix_ms(not_before));
        return st->exec() == 1;
    });
}

std::int64_t SqliteIdempotencyRepository::prune(Timestamp before) {
    return pool_.write([&](Connection& c) {
        auto st = c.prepare(kPrune);
        st->bind(1, to_unix_ms(before));
        return static_cast<std::int64_t>(st->exec());
    });
}

}  // namespace taskcore::sqlite
