// The SQLite implementation of Store and its repositories.
#pragma once

#include <memory>
#include <string>

#include "sqlite_pool.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::sqlite {

class SqliteTaskRepository final : public TaskRepository {
  public:
    explicit SqliteTaskRepository(PoolRef pool) : pool_(pool) {}
    void insert(const Task& task) override;
    std::optional<Task> find(std::string_view user_id, const Uuid& id) override;
    Page<Task> list(std::string_view user_id, const TaskListQuery& query) override;
    using TaskRepository::remove;
    using TaskRepository::set_completed;
    using TaskRepository::update;
    std::optional<Task> update(std::string_view user_id, const Uuid& id, const TaskPatch& patch,
                               Timestamp now, const Precondition& expected) override;
    std::optional<Task> set_completed(std::string_view user_id, const Uuid& id,
                                      std::optional<bool> completed, Timestamp now,
                                      const Precondition& expected) override;
    bool remove(std::string_view user_id, const Uuid& id, const Precondition& expected) override;

  private:
    PoolRef pool_;
};

class SqliteConversationRepository final : public ConversationRepository {
  public:
    explicit SqliteConversationRepository(PoolRef pool) : pool_(pool) {}
    void insert(const Conversation& conversation) override;
    std::optional<Conversation> find(std::string_view user_id, const Uuid& id) override;
    Page<Conversation> list(std::string_view user_id, const PageRequest& page) override;
    using ConversationRepository::remove;
    bool remove(std::string_view user_id, const Uuid& id, const Precondition& expected) override;
    bool append_message(const Message& message) override;
    std::optional<Page<Message>> list_messages(std::string_view user_id,
                                               const Uuid& conversation_id,
                                               const PageRequest& page) override;

  private:
    PoolRef pool_;
};

class SqliteIdempotencyRepository final : public IdempotencyRepository {
  public:
    explicit SqliteIdempotencyRepository(PoolRef pool) : pool_(pool) {}
    std::optional<IdempotencyRecord> find(std::string_view user_id, std::string_view key,
                                          Timestamp not_before) override;
    bool insert(std::string_view user_id, std::string_view key, const IdempotencyRecord& record,
                Timestamp now, Timestamp not_before) override;
    std::int64_t prune(Timestamp before) override;

  private:
    PoolRef pool_;
};

class SqliteChangeRepository final : public ChangeRepository {
  public:
    explicit SqliteChangeRepository(PoolRef pool) : pool_(pool) {}
    ChangePage after(std::string_view user_id, std::int64_t since, int limit) override;
    std::int64_t latest_seq(std::string_view user_id) override;
    std::int64_t prune(Timestamp before) override;

  private:
    PoolRef pool_;
};

class SqliteTicketRepository final : public TicketRepository {
  public:
    explicit SqliteTicketRepository(PoolRef pool) : pool_(pool) {}
    bool use(std::string_view user_id, std::string_view ticket_id, Timestamp expires_at) override;
    std::int64_t prune(Timestamp before) override;

  private:
    PoolRef pool_;
};

class SqliteStore final : public Store {
  public:
    // `path` empty: in-memory database.
    SqliteStore(std::string path, const StoreOptions& options);
    TaskRepository& tasks() override { return tasks_; }
    ConversationRepository& conversations() override { return conversations_; }
    IdempotencyRepository& idempotency() override { return idempotency_; }
    ChangeRepository& changes() override { return changes_; }
    TicketRepository& tickets() override { return tickets_; }
    void transaction(const std::function<void(UnitOfWork&)>& work) override;
    [[nodiscard]] std::string_view backend() const override { return "sqlite"; }
    void ping() override;
    int migrate() override;
    void delete_user_data(std::string_view user_id) override;
    PoolStats pool_stats() override { return pool_.stats(); }

  private:
    Pool pool_;
    SqliteTaskRepository tasks_{pool_};
    SqliteConversationRepository conversations_{pool_};
    SqliteIdempotencyRepository idempotency_{pool_};
    SqliteChangeRepository changes_{pool_};
    SqliteTicketRepository tickets_{pool_};
};

// A stepped SQLite statement as the shared decoders (storage/row_decoding.hpp) read it.
struct SqliteRow {
    SQLite::Statement& st;
    [[nodiscard]] bool is_null(int i) const { return st.getColumn(i).isNull(); }
    [[nodiscard]] std::string_view text(int i) const {
        const auto column = st.getColumn(i);
        const char* bytes = column.getText();  // before getBytes(), which counts that text
        return {bytes, static_cast<std::size_t>(column.getBytes())};
    }
    [[nodiscard]] std::int64_t int64(int i) const { return st.getColumn(i).getInt64(); }
    [[nodiscard]] bool boolean(int i) const { return st.getColumn(i).getInt() != 0; }
};

}  // namespace taskcore::sqlite
