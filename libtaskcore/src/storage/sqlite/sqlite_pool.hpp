// SQLite connections: one writer (writes are serialised by SQLite anyway) and a few readers.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
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

    template <typename F>
    auto write(F&& work) {
        ++writer_waiters_;
        std::lock_guard lock(writer_mutex_);
        --writer_waiters_;
        writer_busy_ = true;
        struct Idle {
            std::atomic<bool>& busy;
            ~Idle() { busy = false; }
        } idle{writer_busy_};
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
    std::atomic<bool> writer_busy_{false};

    // WAL checkpoints (which fsync the database file) run on this thread with a connection of
    // their own, instead of inside whichever request's commit crossed the threshold.
    void checkpoint_loop();
    std::mutex checkpoint_mutex_;
    std::condition_variable checkpoint_stop_;
    bool stopping_ = false;
    std::thread checkpointer_;
};

}  // namespace taskcore::sqlite
