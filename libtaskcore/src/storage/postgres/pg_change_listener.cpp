// The LISTEN connection: connected and subscribed on the blocking executor (a short, bounded
// wait), then driven without blocking on the listening executor: notifications are read as its
// socket becomes readable, and a ping every few seconds finds a connection that died silently.
// The same connection sends this instance's announcements, one query at a time.
#include "taskcore/storage/change_listener.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "pg_pool.hpp"

namespace taskcore::postgres {
namespace {

namespace asio = boost::asio;

constexpr auto kFirstBackoff = std::chrono::milliseconds{100};
constexpr auto kMaxBackoff = std::chrono::seconds{5};
// A ping unanswered for this long means the connection is gone (no RST ever came).
constexpr auto kPingEvery = std::chrono::seconds{10};

// An announcement in two statements: the latest seq of each announced user ($1; users without
// a counter row have no log yet and nothing to announce), then their payloads NOTIFYed on the
// channel in one transaction. Apart, because on Citus a pg_notify in a statement that reads
// change_counters runs where the user's shard is, on a worker nobody LISTENs to; the second
// statement reads no table, so it runs on the coordinator the listeners are connected to.
constexpr const char* kLatestSeqs =
    "SELECT seq::text || ' ' || user_id FROM change_counters WHERE user_id = ANY($1::text[])";
constexpr const char* kNotify = "SELECT pg_notify($1, payload) FROM unnest($2::text[]) payload";

// `items` as a PostgreSQL text[] literal: every element quoted, `"` and `\` escaped.
template <typename Strings>
std::string text_array(const Strings& items) {
    std::string out = "{";
    for (const auto& user : items) {
        if (out.size() > 1) out.push_back(',');
        out.push_back('"');
        for (const char c : user) {
            if (c == '"' || c == '\\') out.push_back('\\');
            out.push_back(c);
        }
        out.push_back('"');
    }
    out.push_back('}');
    return out;
}

std::string error_of(PGconn* conn) {
    std::string text = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

class PgChangeListener final : public ChangeListener,
                               public std::enable_shared_from_this<PgChangeListener> {
  public:
    PgChangeListener(const asio::any_io_executor& executor, asio::any_io_executor blocking,
                     std::string conninfo, ChangeListenerCallbacks callbacks)
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
        asio::post(executor_, [self = shared_from_this()] { self->connect(); });
    }

    void stop() override {
        stopped_.store(true);
        asio::post(executor_, [self = shared_from_this()] {
            self->retry_timer_.cancel();
            self->close();
        });
    }

    void announce(std::string_view user_id) override {
        if (stopped_) return;
        {
            const std::lock_guard lock(pending_mutex_);
            if (pending_.size() < kMaxPendingAnnouncements) pending_.emplace(user_id);
            if (announce_posted_) return;  // the executor will take this user with the others
            announce_posted_ = true;
        }
        asio::post(executor_, [self = shared_from_this()] { self->send_announcements(); });
    }

    [[nodiscard]] Stats stats() const override {
        return {connected_.load(), notifications_.load(), connects_.load(), announcements_.load()};
    }

  private:
    void connect() {
        if (stopped_) return;
        asio::post(blocking_, [self = shared_from_this()] {
            auto owned = std::make_shared<OwnedConnection>(PQconnectdb(self->conninfo_.c_str()));
            PGconn* conn = owned->conn;
            std::string failure;
            if (PQstatus(conn) != CONNECTION_OK) {
                failure = error_of(conn);
            } else {
                const std::string listen = "LISTEN " + std::string(kChangesChannel);
                PGresult* r = PQexec(conn, listen.c_str());
                if (PQresultStatus(r) != PGRES_COMMAND_OK) failure = error_of(conn);
                PQclear(r);
            }
            // Never run when the executor stopped first: the connection closes with `owned`.
            asio::post(self->executor_, [self, owned, failure] {
                if (!failure.empty()) return self->lost("cannot connect: " + failure);
                self->on_connected(std::exchange(owned->conn, nullptr));
            });
        });
    }

    // A connection on its way from the blocking executor, closed if nobody takes it.
    struct OwnedConnection {
        explicit OwnedConnection(PGconn* c) : conn(c) {}
        ~OwnedConnection() {
            if (conn != nullptr) PQfinish(conn);
        }
        OwnedConnection(const OwnedConnection&) = delete;
        OwnedConnection& operator=(const OwnedConnection&) = delete;
        PGconn* conn;
    };

    void on_connected(PGconn* conn) {
        if (stopped_) {
            PQfinish(conn);
            return;
        }
        conn_ = conn;
        boost::system::error_code ec;
        const int copy = ::dup(PQsocket(conn_));  // ours to close; libpq closes its own
        if (PQsetnonblocking(conn_, 1) != 0 || copy < 0 || socket_.assign(copy, ec)) {
            if (copy >= 0 && !socket_.is_open()) ::close(copy);
            return lost("cannot watch the connection");
        }
        backoff_ = kFirstBackoff;
        query_in_flight_ = false;
        own_pid_ = PQbackendPID(conn_);
        connected_.store(true);
        ++connects_;
        if (callbacks_.connected) callbacks_.connected();
        wait_readable();
        arm_ping();
        send_announcements();  // those made while disconnected
    }

    void wait_readable() {
        socket_.async_wait(
            asio::posix::descriptor_base::wait_read,
            [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
                if (ec || generation != self->generation_) return;
                self->on_readable();
            });
    }

    void on_readable() {
        if (PQconsumeInput(conn_) != 1) return lost(error_of(conn_));
        while (PGnotify* n = PQnotifies(conn_)) {
            // Our own announcements come back too: this instance woke its streams already.
            if (n->be_pid != own_pid_) deliver(n->extra != nullptr ? n->extra : "");
            PQfreemem(n);
        }
        // The answers to our ping or announcement, which end with a null result. An error (the
        // log's table missing, say) is not a broken connection: streams fall back on heartbeats.
        while (query_in_flight_ && PQisBusy(conn_) == 0) {
            PGresult* r = PQgetResult(conn_);
            if (r == nullptr) {
                query_in_flight_ = false;
                break;
            }
            if (reading_seqs_ && PQresultStatus(r) == PGRES_TUPLES_OK) {
                for (int i = 0; i < PQntuples(r); ++i) payloads_.emplace_back(PQgetvalue(r, i, 0));
            }
            PQclear(r);
        }
        if (!query_in_flight_ && reading_seqs_) {
            reading_seqs_ = false;
            if (!send_notify()) return;
        }
        if (PQstatus(conn_) == CONNECTION_BAD) return lost(error_of(conn_));
        wait_readable();
        send_announcements();
    }

    // Sends the users announced since the last announcement, when no query is on its way (else
    // when it has been answered, or on connect).
    void send_announcements() {
        if (conn_ == nullptr || query_in_flight_) return;
        std::set<std::string, std::less<>> users;
        {
            const std::lock_guard lock(pending_mutex_);
            users.swap(pending_);
            announce_posted_ = false;
        }
        if (users.empty()) return;
        const std::string array = text_array(users);
        const char* values[] = {array.c_str()};
        if (PQsendQueryParams(conn_, kLatestSeqs, 1, nullptr, values, nullptr, nullptr, 0) != 1) {
            return lost(error_of(conn_));  // those users' streams elsewhere: at their heartbeat
        }
        reading_seqs_ = true;
        payloads_.clear();
        query_sent();
    }

    // The second statement of an announcement, once the seqs are read; false when the
    // connection was lost.
    bool send_notify() {
        if (payloads_.empty()) return true;
        const std::string channel(kChangesChannel);
        const std::string array = text_array(payloads_);
        payloads_.clear();
        const char* values[] = {channel.c_str(), array.c_str()};
        if (PQsendQueryParams(conn_, kNotify, 2, nullptr, values, nullptr, nullptr, 0) != 1) {
            lost(error_of(conn_));
            return false;
        }
        ++announcements_;
        query_sent();
        return true;
    }

    // A query was queued on the connection: flush it, waiting for the socket when it is full.
    void query_sent() {
        query_in_flight_ = true;
        query_sent_at_ = std::chrono::steady_clock::now();
        flush();
    }

    void flush() {
        const int pending = PQflush(conn_);
        if (pending < 0) return lost(error_of(conn_));
        if (pending == 0) return;
        socket_.async_wait(
            asio::posix::descriptor_base::wait_write,
            [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
                if (ec || generation != self->generation_) return;
                self->flush();
            });
    }

    // "<seq> <user_id>"; anything else on the channel is not ours and is ignored.
    void deliver(std::string_view payload) {
        const auto space = payload.find(' ');
        if (space == std::string_view::npos) return;
        std::int64_t seq = 0;
        const auto* end = payload.data() + space;
        if (std::from_chars(payload.data(), end, seq).ptr != end) return;
        ++notifications_;
        if (callbacks_.changed) callbacks_.changed(payload.substr(space + 1), seq);
    }

    void arm_ping() {
        ping_timer_.expires_after(kPingEvery);
        ping_timer_.async_wait(
            [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
                if (ec || generation != self->generation_) return;
                if (self->query_in_flight_) {
                    // An announcement on its way serves as the ping, unless it is as old.
                    if (std::chrono::steady_clock::now() - self->query_sent_at_ >= kPingEvery) {
                        return self->lost("no answer to a ping");
                    }
                    return self->arm_ping();
                }
                if (PQsendQuery(self->conn_, "SELECT 1") != 1) {
                    return self->lost(error_of(self->conn_));
                }
                self->arm_ping();
                self->query_sent();
            });
    }

    void close() {
        ++generation_;
        boost::system::error_code ignored;
        ping_timer_.cancel();
        socket_.close(ignored);
        if (conn_ != nullptr) PQfinish(conn_);
        conn_ = nullptr;
        query_in_flight_ = false;
        reading_seqs_ = false;
        payloads_.clear();
        connected_.store(false);
    }

    void lost(const std::string& why) {
        close();
        if (stopped_) return;
        if (callbacks_.lost) callbacks_.lost(why);
        retry_timer_.expires_after(backoff_);
        backoff_ = std::min<std::chrono::milliseconds>(backoff_ * 2, kMaxBackoff);
        retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) self->connect();
        });
    }

    asio::any_io_executor executor_;
    asio::any_io_executor blocking_;
    const std::string conninfo_;
    ChangeListenerCallbacks callbacks_;
    asio::posix::stream_descriptor socket_;
    asio::steady_timer retry_timer_;
    asio::steady_timer ping_timer_;
    PGconn* conn_ = nullptr;             // used on the executor only
    bool reading_seqs_ = false;          // the query in flight is an announcement's first
    std::vector<std::string> payloads_;  // "<seq> <user_id>" read by it, to NOTIFY next
    std::uint64_t generation_ = 0;
    std::chrono::milliseconds backoff_ = kFirstBackoff;
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

}  // namespace
}  // namespace taskcore::postgres

namespace taskcore {

std::shared_ptr<ChangeListener> open_change_listener(const std::string& url,
                                                     const boost::asio::any_io_executor& executor,
                                                     const boost::asio::any_io_executor& blocking,
                                                     ChangeListenerCallbacks callbacks) {
    if (!url.starts_with("postgresql://") && !url.starts_with("postgres://"))
        throw std::invalid_argument("a change listener needs a postgresql:// URL");
    auto named = url;
    if (url.find("application_name=") == std::string::npos) {
        named += url.find('?') == std::string::npos ? '?' : '&';
        named += "application_name=taskcore-listener";
    }
    return std::make_shared<postgres::PgChangeListener>(
        executor, blocking, postgres::make_conninfo(named), std::move(callbacks));
}

}  // namespace taskcore
