// Writer/reader connection management for SQLite and its error translation.
#include "sqlite_pool.hpp"

#include <sqlite3.h>

#include "taskcore/domain/errors.hpp"

namespace taskcore::sqlite {

namespace {
// Writes committed together at most: bounds how long the first of them waits for its COMMIT.
constexpr std::size_t kMaxWriteBatch = 64;
// The writer checkpoints by itself only past this many WAL pages (80 MiB of 4 KiB pages). Under
// writes that never pause the checkpointer's passive checkpoints cannot complete, so the WAL
// only restarts from such a writer-side checkpoint. Measured on the benchmark machine (a disk
// whose syncs take 25-90 ms): finishing the checkpoint with the writer held every 250 ms instead
// doubled the create p99 on a 20,000-task database, and no writer-side checkpoint at all let the
// WAL grow without bound and tripled it (small database).
constexpr const char* kWriterCheckpointPages = "PRAGMA wal_autocheckpoint=20000";
// The checkpointer's pace: it checkpoints again after kBusyCheckpointPause while the WAL keeps
// growing, and every kIdleCheckpointPeriod once it has stopped. Keeping up with the writes is
// what keeps the writer's own checkpoints (and their syncs) small: measured on creates at 32
// connections, p99 78 ms with a checkpoint every 250 ms, 24-29 ms with one every 5 ms under
// writes, and 15-30 % more creates/s.
constexpr std::chrono::milliseconds kBusyCheckpointPause{5};
constexpr std::chrono::milliseconds kIdleCheckpointPeriod{250};
// What a restarted WAL file is truncated back to.
constexpr const char* kWalSizeLimit = "PRAGMA journal_size_limit=67108864";
}  // namespace

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
        // Checkpoints (which sync the database file) run on the checkpointer thread; the writer
        // only past kWriterCheckpointPages.
        writer_->exec(kWriterCheckpointPages);
        writer_->exec(kWalSizeLimit);
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
    long long frames_seen = -1;  // the WAL's size in frames at the previous checkpoint
    auto pause = kIdleCheckpointPeriod;
    std::unique_lock lock(checkpoint_mutex_);
    while (!checkpoint_stop_.wait_for(lock, pause, [&] { return stopping_; })) {
        lock.unlock();
        pause = kIdleCheckpointPeriod;
        try {
            if (!connection) connection = std::make_unique<Connection>(path_, false, busy_timeout_);
            SQLite::Statement checkpoint(connection->database(), "PRAGMA wal_checkpoint(PASSIVE)");
            if (checkpoint.executeStep()) {
                const long long frames = checkpoint.getColumn(1).getInt64();
                if (frames != frames_seen) pause = kBusyCheckpointPause;  // writes are coming in
                frames_seen = frames;
            }
            ++checkpoints_;
        } catch (const std::exception&) {
            connection.reset();  // try again with a fresh connection next time
        }
        lock.lock();
    }
}

void Pool::run_in_batch(WorkRef work) {
    PendingWrite mine(work);
    std::unique_lock lock(queue_mutex_);
    write_queue_.push_back(&mine);
    ++writer_waiters_;
    if (batch_running_) {
        mine.wake.wait(lock, [&] { return mine.done || mine.lead; });
    } else {
        batch_running_ = true;
        mine.lead = true;
    }
    if (!mine.done) {
        // This caller leads: its own write is at the front of the queue, so in the batch.
        std::vector<PendingWrite*> batch;
        while (!write_queue_.empty() && batch.size() < kMaxWriteBatch) {
            batch.push_back(write_queue_.front());
            write_queue_.pop_front();
        }
        writer_waiters_ -= static_cast<int>(batch.size());
        lock.unlock();
        commit_batch(batch);
        lock.lock();
        for (auto* write : batch) {
            write->done = true;
            // Notified under the lock: a woken caller returns and destroys its condvar.
            if (write != &mine) write->wake.notify_one();
        }
        if (write_queue_.empty()) {
            batch_running_ = false;
        } else {
            write_queue_.front()->lead = true;  // hand the writer to the next caller in line
            write_queue_.front()->wake.notify_one();
        }
    }
    lock.unlock();
    if (mine.error) std::rethrow_exception(mine.error);
}

void Pool::commit_batch(const std::vector<PendingWrite*>& batch) {
    std::lock_guard writer(writer_mutex_);
    Busy busy{writer_busy_};
    if (batch.size() == 1) {
        try {
            translate_errors([&] { batch.front()->work(*writer_); });
        } catch (...) {
            batch.front()->error = std::current_exception();
        }
        return;
    }
    // Any failure of the batch's own statements (BEGIN, SAVEPOINT, COMMIT, or a write whose
    // error made SQLite roll the whole transaction back) fails every write not failed already:
    // none of them is stored, so none may be acknowledged.
    auto fail_all = [&](const std::exception_ptr& error) {
        for (auto* write : batch) {
            if (!write->error) write->error = error;
        }
        if (sqlite3_get_autocommit(writer_->database().getHandle()) == 0) {
            try {
                writer_->exec("ROLLBACK");
            } catch (...) {  // NOLINT(bugprone-empty-catch): the errors are already recorded
            }
        }
    };
    try {
        writer_->exec("BEGIN IMMEDIATE");
        for (auto* write : batch) {
            writer_->exec("SAVEPOINT batched_write");
            try {
                translate_errors([&] { write->work(*writer_); });
                writer_->exec("RELEASE batched_write");
            } catch (const SQLite::Exception&) {
                throw;  // RELEASE failed: the batch's own statement
            } catch (...) {
                write->error = std::current_exception();
                if (sqlite3_get_autocommit(writer_->database().getHandle()) != 0) {
                    fail_all(write->error);  // SQLite rolled back the whole transaction
                    return;
                }
                writer_->exec("ROLLBACK TO batched_write");
                writer_->exec("RELEASE batched_write");
            }
        }
        writer_->exec("COMMIT");
    } catch (const SQLite::Exception& e) {
        fail_all(as_storage_error(e));
    }
}

std::exception_ptr Pool::as_storage_error(const SQLite::Exception& e) {
    try {
        rethrow_as_storage_error(e);
    } catch (...) {
        return std::current_exception();
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
