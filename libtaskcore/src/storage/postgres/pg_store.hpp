// The PostgreSQL implementation of Store and its repositories.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "pg_pool.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::postgres {

class PgTaskRepository final : public TaskRepository {
  public:
    explicit PgTaskRepository(PoolRef pool) : pool_(pool) {}
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

class PgConversationRepository final : public ConversationRepository {
  public:
    explicit PgConversationRepository(PoolRef pool) : pool_(pool) {}
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

class PgIdempotencyRepository final : public IdempotencyRepository {
  public:
    explicit PgIdempotencyRepository(PoolRef pool) : pool_(pool) {}
    std::optional<IdempotencyRecord> find(std::string_view user_id, std::string_view key,
                                          Timestamp not_before) override;
    bool insert(std::string_view user_id, std::string_view key, const IdempotencyRecord& record,
                Timestamp now, Timestamp not_before) override;
    std::int64_t prune(Timestamp before) override;

  private:
    PoolRef pool_;
};

class PgChangeRepository final : public ChangeRepository {
  public:
    explicit PgChangeRepository(PoolRef pool) : pool_(pool) {}
    ChangePage after(std::string_view user_id, std::int64_t since, int limit) override;
    std::int64_t latest_seq(std::string_view user_id) override;
    std::int64_t prune(Timestamp before) override;

  private:
    PoolRef pool_;
};

class PgTicketRepository final : public TicketRepository {
  public:
    explicit PgTicketRepository(PoolRef pool) : pool_(pool) {}
    bool use(std::string_view user_id, std::string_view ticket_id, Timestamp expires_at) override;
    std::int64_t prune(Timestamp before) override;

  private:
    PoolRef pool_;
};

class PgStore final : public Store {
  public:
    PgStore(const std::string& url, const StoreOptions& options);
    TaskRepository& tasks() override { return tasks_; }
    ConversationRepository& conversations() override { return conversations_; }
    IdempotencyRepository& idempotency() override { return idempotency_; }
    ChangeRepository& changes() override { return changes_; }
    TicketRepository& tickets() override { return tickets_; }
    void transaction(const std::function<void(UnitOfWork&)>& work) override;
    [[nodiscard]] std::string_view backend() const override { return "postgresql"; }
    void ping() override;
    std::vector<std::string> unreachable_nodes() override;
    [[nodiscard]] bool distributed() const override { return distributed_; }
    int migrate() override;
    void delete_user_data(std::string_view user_id) override;
    PoolStats pool_stats() override { return pool_.stats(); }

  private:
    Pool pool_;
    Distribution distribution_;
    std::atomic<bool> distributed_{false};
    PgTaskRepository tasks_{pool_};
    PgConversationRepository conversations_{pool_};
    PgIdempotencyRepository idempotency_{pool_};
    PgChangeRepository changes_{pool_};
    PgTicketRepository tickets_{pool_};
};

// A libpqxx row as the shared decoders (storage/row_decoding.hpp) read it.
struct PgRow {
    const pqxx::row& row;
    [[nodiscard]] bool is_null(int i) const { return row[i].is_null(); }
    [[nodiscard]] std::string_view text(int i) const { return {row[i].c_str(), row[i].size()}; }
    [[nodiscard]] std::int64_t int64(int i) const { return row[i].as<std::int64_t>(); }
    [[nodiscard]] bool boolean(int i) const { return row[i].as<bool>(); }
};

}  // namespace taskcore::postgres
