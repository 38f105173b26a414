// The LISTEN connection of one instance (taskcore/storage/change_listener.hpp on PostgreSQL):
// connected and subscribed on the blocking executor (a short, bounded wait), then driven without
// blocking on the listening executor. Its connection handling is pg_change_listener.cpp, its
// announcements pg_change_announcements.cpp.
#pragma once

#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "taskcore/storage/change_listener.hpp"

namespace taskcore::postgres {

// libpq's last error on `conn`, without its trailing newline.
std::string listener_error(PGconn* conn);

inline constexpr auto kListenerFirstBackoff = std::chrono::milliseconds{100};

class PgChangeListener final : public ChangeListener,
                               public std::enable_shared_from_this<PgChangeListener> {
  public:
    PgChangeListener(const boost::asio::any_io_executor& executor,
                     boost::asio::any_io_executor blocking, std::string conninfo,
                     ChangeListenerCallbacks callbacks)
        : executor_(executor),
          blocking_(std::move(blocking)),
          conninfo_(std::move(conninfo)),
          callbacks_(std::move(callbacks)),
          socket_(executor),
          retry_timer_(executor),
          ping_timer_(executor) {}

    ~PgChangeListener() override {
        if (conn_ != nullptr) PQfinish(conn_);
    }
    PgChangeListener(const PgChangeListener&) = delete;
    PgChangeListener& operator=(const PgChangeListener&) = delete;
    void start() override {
        boost::asio::post(executor_, [self = shared_from_this()] { self->connect(); });
    }

    void stop() override {
        stopped_.store(true);
        boost::asio::post(executor_, [self = shared_from_this()] {
            self->retry_timer_.cancel();
            self->close();
        });
    }

    void announce(std::string_view user_id) override;

    [[nodiscard]] Stats stats() const override {
        return {connected_.load(), notifications_.load(), connects_.load(), announcements_.load()};
    }

  private:
    void connect();
    void on_connected(PGconn* conn);
    void wait_readable();
    void on_readable();

    // Sends the users announced since the last announcement, when no query is on its way (else
    // when it has been answered, or on connect).
    void send_announcements();

    // The second statement of an announcement, once the seqs are read; false when the
    // connection was lost.
    bool send_notify();

    // A query was queued on the connection: flush it, waiting for the socket when it is full.
    void query_sent();
    void flush();

    // "<seq> <user_id>"; anything else on the channel is not ours and is ignored.
    void deliver(std::string_view payload);
    void arm_ping();
    void close();
    void lost(const std::string& why);

    boost::asio::any_io_executor executor_;
    boost::asio::any_io_executor blocking_;
    const std::string conninfo_;
    ChangeListenerCallbacks callbacks_;
    boost::asio::posix::stream_descriptor socket_;
    boost::asio::steady_timer retry_timer_;
    boost::asio::steady_timer ping_timer_;
    PGconn* conn_ = nullptr;             // used on the executor only
    bool reading_seqs_ = false;          // the query in flight is an announcement's first
    std::vector<std::string> payloads_;  // "<seq> <user_id>" read by it, to NOTIFY next
    std::uint64_t generation_ = 0;
    std::chrono::milliseconds backoff_ = kListenerFirstBackoff;
    bool query_in_flight_ = false;  // a ping or an announcement, answered by a null result
    std::chrono::steady_clock::time_point query_sent_at_{};
    int own_pid_ = 0;  // the backend of this connection: its own NOTIFYs are skipped
    std::mutex pending_mutex_;
    std::set<std::string, std::less<>> pending_;  // users to announce (pending_mutex_)
    bool announce_posted_ = false;                // a send_announcements is due (pending_mutex_)
    std::atomic<bool> stopped_{false};
    std::atomic<bool> connected_{false};
    std::atomic<std::uint64_t> notifications_{0};
    std::atomic<std::uint64_t> connects_{0};
    std::atomic<std::uint64_t> announcements_{0};
};

}  // namespace taskcore::postgres
