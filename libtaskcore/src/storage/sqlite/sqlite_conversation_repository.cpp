// Conversation and message storage on SQLite, scoped by user_id in every statement.
#include "sqlite_columns.hpp"
#include "sqlite_store.hpp"
#include "storage/row_decoding.hpp"
#include "storage/shared_sql.hpp"

namespace taskcore::sqlite {
namespace {

using storage::Statement;

const Statement kExists{"conversations.exists",
                        "SELECT 1 FROM conversations WHERE user_id = ? AND id = ?"};
const Statement kInsert{"conversations.insert",
                        "INSERT INTO conversations (id, user_id, title, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?)"};
const Statement kFind{"conversations.find", std::string("SELECT ") + kConversationColumns +
                                                " FROM conversations WHERE user_id = ? AND id = ?"};
const Statement kCount{"conversations.count",
                       "SELECT COUNT(*) FROM conversations WHERE user_id = ?"};
// Messages go with a conversation through ON DELETE CASCADE.
// Conditional like a task's delete (sqlite_task_repository.cpp): ?3 is NULL or a JSON array of
// accepted updated_at values.
const Statement kDelete{"conversations.delete",
                        "DELETE FROM conversations WHERE user_id = ?1 AND id = ?2 AND (?3 IS NULL "
                        "OR updated_at IN (SELECT value FROM json_each(?3)))"};
// An append moves the conversation's version strictly (1 ms past the last at least), like a
// task's update: an If-Match read before the append is then stale even within one millisecond.
const Statement kBump{"conversations.bump",
                      "UPDATE conversations SET updated_at = MAX(?, updated_at + 1) "
                      "WHERE user_id = ? AND id = ?"};
const Statement kInsertMessage{
    "messages.insert",
    "INSERT INTO messages (id, user_id, conversation_id, role, content, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"};
const Statement kCountMessages{
    "messages.count", "SELECT COUNT(*) FROM messages WHERE user_id = ? AND conversation_id = ?"};

Conversation read_conversation(SQLite::Statement& st) {
    return storage::decode_conversation(SqliteRow{st});
}

Message read_message(SQLite::Statement& st) {
    return storage::decode_message(SqliteRow{st});
}

const storage::TimestampList kList = storage::timestamp_list(
    "conversations.list",
    std::string("SELECT ") + kConversationColumns + " FROM conversations WHERE user_id = ?",
    "conversations", "updated_at", true, storage::Dialect::sqlite, 1);
const storage::TimestampList kListMessages =
    storage::timestamp_list("messages.list",
                            std::string("SELECT ") + kMessageColumns +
                                " FROM messages WHERE user_id = ? AND conversation_id = ?",
                            "messages", "created_at", false, storage::Dialect::sqlite, 2);

// Binds a page's position (if any), limit and offset from parameter `index` on.
void bind_page(SQLite::Statement& st, int index, const PageRequest& page) {
    const auto values =
        page.after ? storage::keyset_values(*page.after) : std::vector<storage::KeysetValue>{};
    sqlite::bind_page(st, index, {{}, values, {}}, page.limit, page.offset);
}

bool conversation_exists(Connection& c, std::string_view user_id, const Uuid& id) {
    auto st = c.prepare(kExists);
    st->bind(1, std::string(user_id));
    st->bind(2, id.to_string());
    return st->executeStep();
}

}  // namespace

void SqliteConversationRepository::insert(const Conversation& conv) {
    pool_.write([&](Connection& c) {
        auto st = c.prepare(kInsert);
        st->bind(1, conv.id.to_string());
        st->bind(2, conv.user_id);
        if (conv.title) {
            st->bind(3, *conv.title);
        } else {
            st->bind(3);
        }
        st->bind(4, to_unix_ms(conv.created_at));
        st->bind(5, to_unix_ms(conv.updated_at));
        st->exec();
    });
}

std::optional<Conversation> SqliteConversationRepository::find(std::string_view user_id,
                                                               const Uuid& id) {
    return pool_.read([&](Connection& c) -> std::optional<Conversation> {
        auto st = c.prepare(kFind);
        st->bind(1, std::string(user_id));
        st->bind(2, id.to_string());
        if (!st->executeStep()) return std::nullopt;
        return read_conversation(*st);
    });
}

Page<Conversation> SqliteConversationRepository::list(std::string_view user_id,
                                                      const PageRequest& request) {
    return pool_.read([&](Connection& c) {
        Page<Conversation> page;
        Transaction snapshot(c, Transaction::Kind::read);
        {
            auto st = c.prepare(kCount);
            st->bind(1, std::string(user_id));
            st->executeStep();
            page.total = st->getColumn(0).getInt64();
        }
        if (request.offset < page.total) {
            auto st = c.prepare(kList.of(request));
            st->bind(1, std::string(user_id));
            bind_page(*st, 2, request);
            while (st->executeStep()) page.items.push_back(read_conversation(*st));
        }
        snapshot.commit();
        storage::finish_page(page, request.limit);
        return page;
    });
}

bool SqliteConversationRepository::remove(std::string_view user_id, const Uuid& id,
                                          const Precondition& expected) {
    const auto versions = storage::versions_list(expected, storage::Dialect::sqlite);
    return pool_.write([&](Connection& c) {
        auto st = c.prepare(kDelete);
        st->bind(1, std::string(user_id));
        st->bind(2, id.to_string());
        if (versions) st->bind(3, *versions);
        return st->exec() == 1;
    });
}

bool SqliteConversationRepository::append_message(const Message& m) {
    return pool_.write([&](Connection& c) {
        Transaction tx(c, Transaction::Kind::write);
        {
            auto st = c.prepare(kBump);
            st->bind(1, to_unix_ms(m.created_at));
            st->bind(2, m.user_id);
            st->bind(3, m.conversation_id.to_string());
            if (st->exec() != 1) return false;  // rolled back by the destructor
        }
        {
            auto st = c.prepare(kInsertMessage);
            st->bind(1, m.id.to_string());
            st->bind(2, m.user_id);
            st->bind(3, m.conversation_id.to_string());
            st->bind(4, std::string(to_string(m.role)));
            st->bind(5, m.content);
            st->bind(6, to_unix_ms(m.created_at));
            st->exec();
        }
        tx.commit();
        return true;
    });
}

std::optional<Page<Message>> SqliteConversationRepository::list_messages(
    std::string_view user_id, const Uuid& conversation_id, const PageRequest& request) {
    return pool_.read([&](Connection& c) -> std::optional<Page<Message>> {
        Page<Message> page;
        Transaction snapshot(c, Transaction::Kind::read);
        if (!conversation_exists(c, user_id, conversation_id)) return std::nullopt;
        {
            auto st = c.prepare(kCountMessages);
            st->bind(1, std::string(user_id));
            st->bind(2, conversation_id.to_string());
            st->executeStep();
            page.total = st->getColumn(0).getInt64();
        }
        if (request.offset < page.total) {
            auto st = c.prepare(kListMessages.of(request));
            st->bind(1, std::string(user_id));
            st->bind(2, conversation_id.to_string());
            bind_page(*st, 3, request);
            while (st->executeStep()) page.items.push_back(read_message(*st));
        }
        snapshot.commit();
        storage::finish_page(page, request.limit);
        return page;
    });
}

}  // namespace taskcore::sqlite
