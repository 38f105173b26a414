// Writer/reader connection management for SQLite and its error translation.
#include "sqlite_pool.hpp"

#include <sqlite3.h>

#include "taskcore/domain/errors.hpp"

namespace taskcore::sqlite {

Pool::Pool(std::string path, int readers, std::chrono::milliseconds busy_timeout,
           std::chrono::milliseconds acquire_timeout)
    : path_(std::move(path)),
      busy_timeout_(busy_timeout),
      acquire_timeout_(acquire_timeout),
      readers_max_(readers < 1 ? 1 : readers) {
    translate_errors([&] {
        writer_ =
            std::make_unique<Connection>(path_.empty() ? ":memory:" : path_, false, busy_timeout_);
    });
    if (!path_.empty()) {
        // A safety net only: the checkpointer normally keeps the WAL far below this.
        writer_->exec("PRAGMA wal_autocheckpoint=20000");
        checkpointer_ = std::thread([this] { checkpoint_loop(); });
    }
}

Pool::~Pool() {
    {
        std::lock_guard lock(checkpoint_mutex_);
        stopping_ = true;
    }
    checkpoint_stop_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
}

void Pool::checkpoint_loop() {
    std::unique_ptr<Connection> connection;
    std::unique_lock lock(checkpoint_mutex_);
    while (!checkpoint_stop_.wait_for(lock, std::chrono::milliseconds{250},
                                      [&] { return stopping_; })) {
        lock.unlock();
        try {
            if (!connection) connection = std::make_unique<Connection>(path_, false, busy_timeout_);
            connection->exec("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (const std::exception&) {
            connection.reset();  // try again with a fresh connection next time
        }
        lock.lock();
    }
}

Pool::ReaderLease::ReaderLease(Pool& p) : pool(p) {
    std::unique_lock lock(pool.readers_mutex_);
    ++pool.reader_waiters_;
    const bool available = pool.reader_returned_.wait_for(lock, pool.acquire_timeout_, [&] {
        return !pool.idle_readers_.empty() || pool.readers_open_ < pool.readers_max_;
    });
    --pool.reader_waiters_;
    if (!available) throw StorageUnavailableError("timed out waiting for a database connection");
    if (!pool.idle_readers_.empty()) {
        connection = std::move(pool.idle_readers_.back());
        pool.idle_readers_.pop_back();
        return;
    }
    ++pool.readers_open_;
    lock.unlock();
    try {
        connection = std::make_unique<Connection>(pool.path_, true, pool.busy_timeout_);
    } catch (...) {
        std::lock_guard relock(pool.readers_mutex_);
        --pool.readers_open_;
        pool.reader_returned_.notify_one();
        translate_errors([] { throw; });
    }
}

Pool::ReaderLease::~ReaderLease() {
    if (!connection) return;
    std::lock_guard lock(pool.readers_mutex_);
    pool.idle_readers_.push_back(std::move(connection));
    pool.reader_returned_.notify_one();
}

Store::PoolStats Pool::stats() {
    std::lock_guard lock(readers_mutex_);
    const int readers_in_use = readers_open_ - static_cast<int>(idle_readers_.size());
    return {readers_open_ + 1, readers_in_use + (writer_busy_ ? 1 : 0),
            reader_waiters_ + writer_waiters_.load(), readers_max_ + 1};
}

void Pool::rethrow_as_storage_error(const SQLite::Exception& e) {
    switch (e.getErrorCode() & 0xFF) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_NOMEM:
        case SQLITE_READONLY:  // the file became unwritable under a running server
            throw StorageUnavailableError(std::string("sqlite: ") + e.what());
        default:
            throw StorageError(std::string("sqlite: ") + e.what());
    }
}

}  // namespace taskcore::sqlite
