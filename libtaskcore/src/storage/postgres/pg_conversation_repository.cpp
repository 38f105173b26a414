// Conversation and message storage on PostgreSQL, scoped by user_id in every statement.
#include "pg_store.hpp"
#include "storage/row_decoding.hpp"

namespace taskcore::postgres {
namespace {

using storage::Statement;

constexpr const char* kConversationColumns =
    "id::text, user_id, title, (extract(epoch FROM created_at) * 1000)::bigint, "
    "(extract(epoch FROM updated_at) * 1000)::bigint";
constexpr const char* kMessageColumns =
    "id::text, user_id, conversation_id::text, role, content, "
    "(extract(epoch FROM created_at) * 1000)::bigint";

const Statement kInsert{"conversations.insert",
                        "INSERT INTO conversations (id, user_id, title, created_at, updated_at) "
                        "VALUES ($1::uuid, $2, $3, $4::timestamptz, $5::timestamptz)"};
const Statement kFind{"conversations.find",
                      std::string("SELECT ") + kConversationColumns +
                          " FROM conversations WHERE user_id = $1 AND id = $2::uuid"};
const Statement kCount{"conversations.count",
                       "SELECT COUNT(*) FROM conversations WHERE user_id = $1"};
const Statement kList{"conversations.list",
                      std::string("SELECT ") + kConversationColumns +
                          " FROM conversations WHERE user_id = $1 "
                          "ORDER BY updated_at DESC, id DESC LIMIT $2::bigint OFFSET $3::bigint"};
const Statement kDelete{"conversations.delete",
                        "DELETE FROM conversations WHERE user_id = $1 AND id = $2::uuid"};
// One statement: the bump locks the conversation row, so it cannot vanish before the insert,
// and the insert happens only when the bump found the conversation.
const Statement kAppend{
    "messages.append",
    "WITH bumped AS (UPDATE conversations SET updated_at = GREATEST($6::timestamptz, updated_at) "
    "WHERE user_id = $2 AND id = $3::uuid RETURNING id) "
    "INSERT INTO messages (id, user_id, conversation_id, role, content, created_at) "
    "SELECT $1::uuid, $2, bumped.id, $4, $5, $6::timestamptz FROM bumped"};
const Statement kExists{"conversations.exists",
                        "SELECT 1 FROM conversations WHERE user_id = $1 AND id = $2::uuid"};
const Statement kCountMessages{
    "messages.count",
    "SELECT COUNT(*) FROM messages WHERE user_id = $1 AND conversation_id = $2::uuid"};
const Statement kListMessages{
    "messages.list", std::string("SELECT ") + kMessageColumns +
                         " FROM messages WHERE user_id = $1 AND conversation_id = $2::uuid "
                         "ORDER BY created_at, id LIMIT $3::bigint OFFSET $4::bigint"};

Conversation read_conversation(const pqxx::row& r) {
    return storage::decode_conversation(PgRow{r});
}

Message read_message(const pqxx::row& r) {
    return storage::decode_message(PgRow{r});
}

}  // namespace

void PgConversationRepository::insert(const Conversation& conv) {
    Params p;
    p.text(conv.id.to_string()).text(conv.user_id).nullable_text(conv.title);
    p.time(conv.created_at).time(conv.updated_at);
    pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        c.exec(tx, kInsert, p);
    });
}

std::optional<Conversation> PgConversationRepository::find(std::string_view user_id,
                                                           const Uuid& id) {
    Params p;
    p.text(user_id).text(id.to_string());
    return pool_.run(true, [&](Connection& c) -> std::optional<Conversation> {
        pqxx::nontransaction tx(c.raw());
        const auto r = c.exec(tx, kFind, p);
        if (r.empty()) return std::nullopt;
        return read_conversation(r[0]);
    });
}

Page<Conversation> PgConversationRepository::list(std::string_view user_id, int limit,
                                                  std::int64_t offset) {
    Params count;
    count.text(user_id);
    Params page_params = count;
    page_params.integer(limit).integer(offset);
    return pool_.run(true, [&](Connection& c) {
        Page<Conversation> page;
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c.raw());
        page.total = c.exec(tx, kCount, count)[0][0].as<std::int64_t>();
        if (offset < page.total) {
            for (const auto& row : c.exec(tx, kList, page_params)) {
                page.items.push_back(read_conversation(row));
            }
        }
        tx.commit();
        return page;
    });
}

bool PgConversationRepository::remove(std::string_view user_id, const Uuid& id) {
    Params p;
    p.text(user_id).text(id.to_string());
    return pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return c.exec(tx, kDelete, p).affected_rows() == 1;
    });
}

bool PgConversationRepository::append_message(const Message& m) {
    Params p;
    p.text(m.id.to_string()).text(m.user_id).text(m.conversation_id.to_string());
    p.text(to_string(m.role)).text(m.content).time(m.created_at);
    return pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return c.exec(tx, kAppend, p).affected_rows() == 1;
    });
}

std::optional<Page<Message>> PgConversationRepository::list_messages(std::string_view user_id,
                                                                     const Uuid& conversation_id,
                                                                     int limit,
                                                                     std::int64_t offset) {
    Params key;
    key.text(user_id).text(conversation_id.to_string());
    Params page_params = key;
    page_params.integer(limit).integer(offset);
    return pool_.run(true, [&](Connection& c) -> std::optional<Page<Message>> {
        Page<Message> page;
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c.raw());
        if (c.exec(tx, kExists, key).empty()) return std::nullopt;
        page.total = c.exec(tx, kCountMessages, key)[0][0].as<std::int64_t>();
        if (offset < page.total) {
            for (const auto& row : c.exec(tx, kListMessages, page_params)) {
                page.items.push_back(read_message(row));
            }
        }
        tx.commit();
        return page;
    });
}

}  // namespace taskcore::postgres
