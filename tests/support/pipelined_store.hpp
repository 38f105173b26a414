// A Store whose reads go through PipelinedReads (libpq pipeline mode on an event loop) and whose
// writes go to the blocking store: runs the one storage contract suite on the pipelined path.
// The pipeline lives on its own io_context thread; each call waits for its answer, so the
// adapter may be used from many test threads at once.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <memory>
#include <thread>

#include "taskcore/domain/errors.hpp"
#include "taskcore/storage/pipelined_reads.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::testing {

class PipelinedStore final : public Store {
  public:
    PipelinedStore(std::unique_ptr<Store> blocking, const std::string& url, StoreOptions options)
        : blocking_(std::move(blocking)),
          reads_(open_pipelined_reads(url, options, io_.get_executor())),
          thread_([this] { io_.run(); }) {}
    ~PipelinedStore() override {
        work_.reset();
        io_.stop();
        thread_.join();
    }
    PipelinedStore(const PipelinedStore&) = delete;
    PipelinedStore& operator=(const PipelinedStore&) = delete;

    TaskRepository& tasks() override { return tasks_; }
    ConversationRepository& conversations() override { return conversations_; }
    // Writes, and so keyed writes, are the blocking store's.
    IdempotencyRepository& idempotency() override { return blocking_->idempotency(); }
    ChangeRepository& changes() override { return blocking_->changes(); }
    TicketRepository& tickets() override { return blocking_->tickets(); }
    void transaction(const std::function<void(UnitOfWork&)>& work) override {
        blocking_->transaction(work);
    }
    [[nodiscard]] std::string_view backend() const override { return blocking_->backend(); }
    void ping() override {
        wait([&] { return reads_->ping(); });
    }
    int migrate() override { return blocking_->migrate(); }
    void delete_user_data(std::string_view user_id) override {
        blocking_->delete_user_data(user_id);
    }
    PoolStats pool_stats() override { return blocking_->pool_stats(); }

    // Runs `make()`'s coroutine on the pipeline's thread and waits for its value.
    template <typename F>
    auto wait(F make) -> typename decltype(make())::value_type {
        return boost::asio::co_spawn(io_, make(), boost::asio::use_future).get();
    }

    PipelinedReads& reads() { return *reads_; }

  private:
    class Tasks final : public TaskRepository {
      public:
        explicit Tasks(PipelinedStore& s) : s_(s) {}
        void insert(const Task& task) override { s_.blocking_->tasks().insert(task); }
        std::optional<Task> find(std::string_view user_id, const Uuid& id) override {
            return s_.wait([&] { return s_.reads_->find_task(std::string(user_id), id); });
        }
        Page<Task> list(std::string_view user_id, const TaskListQuery& query) override {
            return s_.wait([&] { return s_.reads_->list_tasks(std::string(user_id), query); });
        }
        using TaskRepository::remove;
        using TaskRepository::set_completed;
        using TaskRepository::update;
        std::optional<Task> update(std::string_view user_id, const Uuid& id, const TaskPatch& patch,
                                   Timestamp now, const Precondition& expected) override {
            return s_.blocking_->tasks().update(user_id, id, patch, now, expected);
        }
        std::optional<Task> set_completed(std::string_view user_id, const Uuid& id,
                                          std::optional<bool> completed, Timestamp now,
                                          const Precondition& expected) override {
            return s_.blocking_->tasks().set_completed(user_id, id, completed, now, expected);
        }
        bool remove(std::string_view user_id, const Uuid& id,
                    const Precondition& expected) override {
            return s_.blocking_->tasks().remove(user_id, id, expected);
        }

      private:
        PipelinedStore& s_;
    };

    class Conversations final : public ConversationRepository {
      public:
        explicit Conversations(PipelinedStore& s) : s_(s) {}
        void insert(const Conversation& c) override { s_.blocking_->conversations().insert(c); }
        std::optional<Conversation> find(std::string_view user_id, const Uuid& id) override {
            return s_.wait([&] { return s_.reads_->find_conversation(std::string(user_id), id); });
        }
        Page<Conversation> list(std::string_view user_id, const PageRequest& page) override {
            return s_.wait(
                [&] { return s_.reads_->list_conversations(std::string(user_id), page); });
        }
        using ConversationRepository::remove;
        bool remove(std::string_view user_id, const Uuid& id,
                    const Precondition& expected) override {
            return s_.blocking_->conversations().remove(user_id, id, expected);
        }
        bool append_message(const Message& m) override {
            return s_.blocking_->conversations().append_message(m);
        }
        std::optional<Page<Message>> list_messages(std::string_view user_id,
                                                   const Uuid& conversation_id,
                                                   const PageRequest& page) override {
            return s_.wait([&] {
                return s_.reads_->list_messages(std::string(user_id), conversation_id, page);
            });
        }

      private:
        PipelinedStore& s_;
    };

    std::unique_ptr<Store> blocking_;
    boost::asio::io_context io_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
        io_.get_executor()};
    std::unique_ptr<PipelinedReads> reads_;
    Tasks tasks_{*this};
    Conversations conversations_{*this};
    std::thread thread_;
};

}  // namespace taskcore::testing
