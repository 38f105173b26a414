// Conversation and message storage on SQLite, scoped by user_id in every statement.
#include "sqlite_store.hpp"

namespace taskcore::sqlite {
namespace {

constexpr const char* kConversationColumns = "id, user_id, title, created_at, updated_at";
constexpr const char* kMessageColumns = "id, user_id, conversation_id, role, content, created_at";

Conversation read_conversation(SQLite::Statement& st) {
    Conversation c;
    c.id = parse_uuid(st.getColumn(0).getString()).value();
    c.user_id = st.getColumn(1).getString();
    if (!st.getColumn(2).isNull()) c.title = st.getColumn(2).getString();
    c.created_at = from_unix_ms(st.getColumn(3).getInt64());
    c.updated_at = from_unix_ms(st.getColumn(4).getInt64());
    return c;
}

Message read_message(SQLite::Statement& st) {
    Message m;
    m.id = parse_uuid(st.getColumn(0).getString()).value();
    m.user_id = st.getColumn(1).getString();
    m.conversation_id = parse_uuid(st.getColumn(2).getString()).value();
    m.role = parse_message_role(st.getColumn(3).getString()).value_or(MessageRole::user);
    m.content = st.getColumn(4).getString();
    m.created_at = from_unix_ms(st.getColumn(5).getInt64());
    return m;
}

bool conversation_exists(Connection& c, std::string_view user_id, const Uuid& id) {
    auto st = c.prepare("SELECT 1 FROM conversations WHERE user_id = ? AND id = ?");
    st->bind(1, std::string(user_id));
    st->bind(2, id.to_string());
    return st->executeStep();
}

}  // namespace

void SqliteConversationRepository::insert(const Conversation& conv) {
    pool_.write([&](Connection& c) {
        auto st = c.prepare(
            "INSERT INTO conversations (id, user_id, title, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)");
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
        auto st = c.prepare(std::string("SELECT ") + kConversationColumns +
                            " FROM conversations WHERE user_id = ? AND id = ?");
        st->bind(1, std::string(user_id));
        st->bind(2, id.to_string());
        if (!st->executeStep()) return std::nullopt;
        return read_conversation(*st);
    });
}

Page<Conversation> SqliteConversationRepository::list(std::string_view user_id, int limit,
                                                      std::int64_t offset) {
    return pool_.read([&](Connection& c) {
        Page<Conversation> page;
        Transaction snapshot(c, Transaction::Kind::read);
        {
            auto st = c.prepare("SELECT COUNT(*) FROM conversations WHERE user_id = ?");
            st->bind(1, std::string(user_id));
            st->executeStep();
            page.total = st->getColumn(0).getInt64();
        }
        if (offset < page.total) {
            auto st = c.prepare(std::string("SELECT ") + kConversationColumns +
                                " FROM conversations WHERE user_id = ? "
                                "ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?");
            st->bind(1, std::string(user_id));
            st->bind(2, limit);
            st->bind(3, offset);
            while (st->executeStep()) page.items.push_back(read_conversation(*st));
        }
        snapshot.commit();
        return page;
    });
}

bool SqliteConversationRepository::remove(std::string_view user_id, const Uuid& id) {
    return pool_.write([&](Connection& c) {
        // Messages go with it through ON DELETE CASCADE.
        auto st = c.prepare("DELETE FROM conversations WHERE user_id = ? AND id = ?");
        st->bind(1, std::string(user_id));
        st->bind(2, id.to_string());
        return st->exec() == 1;
    });
}

bool SqliteConversationRepository::append_message(const Message& m) {
    return pool_.write([&](Connection& c) {
        Transaction tx(c, Transaction::Kind::write);
        {
            auto st = c.prepare(
                "UPDATE conversations SET updated_at = MAX(?, updated_at) "
                "WHERE user_id = ? AND id = ?");
            st->bind(1, to_unix_ms(m.created_at));
            st->bind(2, m.user_id);
            st->bind(3, m.conversation_id.to_string());
            if (st->exec() != 1) return false;  // rolled back by the destructor
        }
        {
            auto st = c.prepare(
                "INSERT INTO messages (id, user_id, conversation_id, role, content, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)");
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
    std::string_view user_id, const Uuid& conversation_id, int limit, std::int64_t offset) {
    return pool_.read([&](Connection& c) -> std::optional<Page<Message>> {
        Page<Message> page;
        Transaction snapshot(c, Transaction::Kind::read);
        if (!conversation_exists(c, user_id, conversation_id)) return std::nullopt;
        {
            auto st = c.prepare(
                "SELECT COUNT(*) FROM messages WHERE user_id = ? AND conversation_id = ?");
            st->bind(1, std::string(user_id));
            st->bind(2, conversation_id.to_string());
            st->executeStep();
            page.total = st->getColumn(0).getInt64();
        }
        if (offset < page.total) {
            auto st = c.prepare(std::string("SELECT ") + kMessageColumns +
                                " FROM messages WHERE user_id = ? AND conversation_id = ? "
                                "ORDER BY created_at, id LIMIT ? OFFSET ?");
            st->bind(1, std::string(user_id));
            st->bind(2, conversation_id.to_string());
            st->bind(3, limit);
            st->bind(4, offset);
            while (st->executeStep()) page.items.push_back(read_message(*st));
        }
        snapshot.commit();
        return page;
    });
}

}  // namespace taskcore::sqlite
