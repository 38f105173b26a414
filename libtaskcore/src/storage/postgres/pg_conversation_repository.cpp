// Conversation and message storage on PostgreSQL, scoped by user_id in every statement.
#include "pg_statements.hpp"
#include "pg_store.hpp"
#include "storage/row_decoding.hpp"
#include "storage/shared_sql.hpp"

namespace taskcore::postgres {
namespace {

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
        c.exec(tx, sql::kConversationInsert, p);
    });
}

std::optional<Conversation> PgConversationRepository::find(std::string_view user_id,
                                                           const Uuid& id) {
    Params p;
    p.text(user_id).text(id.to_string());
    return pool_.run(true, [&](Connection& c) -> std::optional<Conversation> {
        pqxx::nontransaction tx(c.raw());
        const auto r = c.exec(tx, sql::kConversationFind, p);
        if (r.empty()) return std::nullopt;
        return read_conversation(r[0]);
    });
}

Page<Conversation> PgConversationRepository::list(std::string_view user_id,
                                                  const PageRequest& request) {
    Params count;
    count.text(user_id);
    const auto list = sql::conversation_list(user_id, request);
    return pool_.run(true, [&](Connection& c) {
        Page<Conversation> page;
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c.raw());
        page.total = c.exec(tx, sql::kConversationCount, count)[0][0].as<std::int64_t>();
        if (request.offset < page.total) {
            for (const auto& row : c.exec(tx, list.statement, list.params)) {
                page.items.push_back(read_conversation(row));
            }
        }
        tx.commit();
        storage::finish_page(page, request.limit);
        return page;
    });
}

bool PgConversationRepository::remove(std::string_view user_id, const Uuid& id,
                                      const Precondition& expected) {
    Params p;
    p.text(user_id).text(id.to_string());
    p.nullable_text(storage::versions_list(expected, storage::Dialect::postgres));
    return pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        return c.exec(tx, sql::kConversationDelete, p).affected_rows() == 1;
    });
}

bool PgConversationRepository::append_message(const Message& m) {
    Params p;
    p.text(m.id.to_string()).text(m.user_id).text(m.conversation_id.to_string());
    p.text(to_string(m.role)).text(m.content).time(m.created_at);
    return pool_.run(false, [&](Connection& c) {
        pqxx::nontransaction tx(c.raw());
        try {
            c.exec(tx, sql::kMessageAppend, p);
            return true;
        } catch (const pqxx::foreign_key_violation&) {
            return false;  // no such conversation for this user (or deleted meanwhile)
        }
    });
}

std::optional<Page<Message>> PgConversationRepository::list_messages(std::string_view user_id,
                                                                     const Uuid& conversation_id,
                                                                     const PageRequest& request) {
    Params key;
    key.text(user_id).text(conversation_id.to_string());
    const auto list = sql::message_list(user_id, conversation_id, request);
    return pool_.run(true, [&](Connection& c) -> std::optional<Page<Message>> {
        Page<Message> page;
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c.raw());
        if (c.exec(tx, sql::kConversationExists, key).empty()) return std::nullopt;
        page.total = c.exec(tx, sql::kMessageCount, key)[0][0].as<std::int64_t>();
        if (request.offset < page.total) {
            for (const auto& row : c.exec(tx, list.statement, list.params)) {
                page.items.push_back(read_message(row));
            }
        }
        tx.commit();
        storage::finish_page(page, request.limit);
        return page;
    });
}

}  // namespace taskcore::postgres
