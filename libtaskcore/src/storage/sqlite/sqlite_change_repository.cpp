// The change log on SQLite: a page and the latest seq from one read snapshot.
#include "sqlite_columns.hpp"
#include "sqlite_store.hpp"
#include "storage/row_decoding.hpp"
#include "storage/shared_sql.hpp"

namespace taskcore::sqlite {
namespace {

using storage::Statement;

// The log joined with each change's object as it is now (storage/row_decoding.hpp,
// decode_change); each object table is narrowed to the user, then joined on its key.
const Statement kAfter{
    "changes.after",
    std::string("SELECT c.seq, c.kind, c.op, c.resource_id, c.conversation_id, c.changed_at, "
                "t.*, v.*, m.* FROM changes c "
                "LEFT JOIN (SELECT id AS key, ") +
        kTaskColumns +
        " FROM tasks WHERE user_id = ?1) t ON c.kind = 'task' AND t.key = c.resource_id "
        "LEFT JOIN (SELECT id AS key, " +
        kConversationColumns +
        " FROM conversations WHERE user_id = ?1) v "
        "ON c.kind = 'conversation' AND v.key = c.resource_id "
        "LEFT JOIN (SELECT id AS key, " +
        kMessageColumns +
        " FROM messages WHERE user_id = ?1) m ON c.kind = 'message' AND m.key = c.resource_id "
        "WHERE c.user_id = ?1 AND c.seq > ?2 ORDER BY c.seq LIMIT ?3"};
const Statement kLatest{"changes.latest", "SELECT seq FROM change_counters WHERE user_id = ?"};
const Statement kPrune{"changes.prune", "DELETE FROM changes WHERE changed_at < ?"};

std::int64_t latest_in(Connection& c, std::string_view user_id) {
    auto st = c.prepare(kLatest);
    st->bind(1, std::string(user_id));
    return st->executeStep() ? st->getColumn(0).getInt64() : 0;
}

}  // namespace

ChangePage SqliteChangeRepository::after(std::string_view user_id, std::int64_t since, int limit) {
    return pool_.read([&](Connection& c) {
        Transaction snapshot(c, Transaction::Kind::read);
        ChangePage out;
        out.latest_seq = latest_in(c, user_id);
        if (since < out.latest_seq) {
            auto st = c.prepare(kAfter);
            st->bind(1, std::string(user_id));
            st->bind(2, since);
            st->bind(3, storage::rows_to_read(limit));
            while (st->executeStep()) out.changes.push_back(storage::decode_change(SqliteRow{*st}));
        }
        snapshot.commit();
        out.has_more = storage::trim_to_limit(out.changes, limit);
        return out;
    });
}

std::int64_t SqliteChangeRepository::latest_seq(std::string_view user_id) {
    return pool_.read([&](Connection& c) { return latest_in(c, user_id); });
}

std::int64_t SqliteChangeRepository::prune(Timestamp before) {
    return pool_.write([&](Connection& c) {
        auto st = c.prepare(kPrune);
        st->bind(1, to_unix_ms(before));
        return static_cast<std::int64_t>(st->exec());
    });
}

}  // namespace taskcore::sqlite
