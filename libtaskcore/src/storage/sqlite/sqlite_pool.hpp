// SQLite connections: one writer (writes are serialised by SQLite anyway) and a few readers.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "sqlite_connection.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::sqlite {

class Pool {
  public:
    // `path` empty means an in-memory database: then there is one connection for everything,
    // since each in-memory connection would otherwise see its own empty database.
    Pool(std::string path, int readers, std::chrono::milliseconds busy_timeout,
         std::chrono::milliseconds acquire_timeout);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // Runs `work` on the writer. Writes that queue up while another batch runs are committed
    // together (group commit): one transaction, each write inside its own savepoint so a failing
    // write is undone alone and reports its own error; the others see theirs only once the
    // batch's COMMIT has succeeded. A write alone in the queue runs in autocommit, as before.
    template <typename F>
    auto write(F&& work) {
        using Result = decltype(work(std::declval<Connection&>()));
        if constexpr (std::is_void_v<Result>) {
            run_in_batch(WorkRef(work));
        } else {
            std::optional<Result> result;
            auto store_result = [&](Connection& c) { result.emplace(work(c)); };
            run_in_batch(WorkRef(store_result));
            return std::move(*result);
        }
    }

    // Runs `work` on the writer outside any batch (migrations: their PRAGMAs and DDL want a
    // transaction of their own).
    template <typename F>
    auto write_alone(F&& work) {
        std::lock_guard lock(writer_mutex_);
        Busy busy{writer_busy_};
        return translate_errors([&] { return work(*writer_); });
    }

    template <typename F>
    auto read(F&& work) {
        if (path_.empty()) return write(std::forward<F>(work));
        ReaderLease lease(*this);
        return translate_errors([&] { return work(*lease.connection); });
    }

    // Readers plus the writer; the writer counts as in use while its lock is held.
    Store::PoolStats stats();
    // WAL checkpoints the checkpointer thread has run so far (none for an in-memory database).
    [[nodiscard]] std::uint64_t checkpoints() const { return checkpoints_; }

    // Runs `work`, turning SQLite exceptions into the library's storage errors.
    template <typename F>
    static auto translate_errors(F&& work) -> decltype(work()) {
        try {
            return work();
        } catch (const SQLite::Exception& e) {
            rethrow_as_storage_error(e);
        }
    }

  private:
    // A non-owning reference to a write's callable (it lives on the waiting caller's stack).
    class WorkRef {
      public:
        template <typename F>
        requires(!std::is_same_v<std::remove_cv_t<F>, WorkRef>)  // copies stay copies
            explicit WorkRef(F& f)
            : object_(&f), call_([](void* o, Connection& c) { (*static_cast<F*>(o))(c); }) {}
        void operator()(Connection& c) const { call_(object_, c); }

      private:
        void* object_;
        void (*call_)(void*, Connection&);
    };

    // One queued write; the caller waits on `wake` until it is done or chosen to lead a batch.
    struct PendingWrite {
        explicit PendingWrite(WorkRef w) : work(w) {}
        WorkRef work;
        std::exception_ptr error;
        bool done = false;
        bool lead = false;
        std::condition_variable wake;
    };

    struct Busy {
        std::atomic<bool>& flag;
        explicit Busy(std::atomic<bool>& f) : flag(f) { flag = true; }
        ~Busy() { flag = false; }
        Busy(const Busy&) = delete;
        Busy& operator=(const Busy&) = delete;
    };

    void run_in_batch(WorkRef work);
    void commit_batch(const std::vector<PendingWrite*>& batch);
    static std::exception_ptr as_storage_error(const SQLite::Exception& e);

    struct ReaderLease {
        explicit ReaderLease(Pool& pool);
        ~ReaderLease();
        ReaderLease(const ReaderLease&) = delete;
        ReaderLease& operator=(const ReaderLease&) = delete;
        Pool& pool;
        std::unique_ptr<Connection> connection;
    };

    [[noreturn]] static void rethrow_as_storage_error(const SQLite::Exception& e);

    std::string path_;
    std::chrono::milliseconds busy_timeout_;
    std::chrono::milliseconds acquire_timeout_;
    std::mutex writer_mutex_;
    std::unique_ptr<Connection> writer_;

    std::mutex readers_mutex_;
    std::condition_variable reader_returned_;
    std::vector<std::unique_ptr<Connection>> idle_readers_;
    int readers_open_ = 0;
    int readers_max_;
    int reader_waiters_ = 0;
    std::atomic<int> writer_waiters_{0};

    std::mutex queue_mutex_;
    std::deque<PendingWrite*> write_queue_;
    bool batch_running_ = false;
    std::atomic<bool> writer_busy_{false};

    // WAL checkpoints (which fsync the database file) run on this thread with a connection of
    // their own, instead of inside whichever request's commit crossed the threshold.
    void checkpoint_loop();
    std::mutex checkpoint_mutex_;
    std::condition_variable checkpoint_stop_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> checkpoints_{0};
    std::thread checkpointer_;
};

// Where a repository's statements run: the pool, or the writer connection already inside a
// transaction (Store::transaction), where reads see the transaction's own writes.
class PoolRef {
  public:
    PoolRef(Pool& pool) : pool_(&pool) {}  // NOLINT(google-explicit-constructor): the common case
    explicit PoolRef(Connection& bound) : bound_(&bound) {}

    template <typename F>
    auto write(F&& work) {
        if (bound_ != nullptr) return work(*bound_);
        return pool_->write(std::forward<F>(work));
    }
    template <typename F>
    auto read(F&& work) {
        if (bound_ != nullptr) return work(*bound_);
        return pool_->read(std::forward<F>(work));
    }

  private:
    Pool* pool_ = nullptr;
    Connection* bound_ = nullptr;
};

}  // namespace taskcore::sqlite
