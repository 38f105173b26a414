// The LISTEN connection: connected and subscribed on the blocking executor (a short, bounded
// wait), then driven without blocking on the listening executor: notifications are read as its
// socket becomes readable, and a ping every few seconds finds a connection that died silently.
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>
#include <utility>

#include "pg_change_listener.hpp"
#include "pg_pool.hpp"

namespace taskcore::postgres {
namespace {

namespace asio = boost::asio;

constexpr auto kMaxBackoff = std::chrono::seconds{5};
// A ping unanswered for this long means the connection is gone (no RST ever came).
constexpr auto kPingEvery = std::chrono::seconds{10};

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

}  // namespace

std::string listener_error(PGconn* conn) {
    std::string text = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

void PgChangeListener::connect() {
    if (stopped_) return;
    asio::post(blocking_, [self = shared_from_this()] {
        auto owned = std::make_shared<OwnedConnection>(PQconnectdb(self->conninfo_.c_str()));
        PGconn* conn = owned->conn;
        std::string failure;
        if (PQstatus(conn) != CONNECTION_OK) {
            failure = listener_error(conn);
        } else {
            const std::string listen = "LISTEN " + std::string(kChangesChannel);
            PGresult* r = PQexec(conn, listen.c_str());
            if (PQresultStatus(r) != PGRES_COMMAND_OK) failure = listener_error(conn);
            PQclear(r);
        }
        // Never run when the executor stopped first: the connection closes with `owned`.
        asio::post(self->executor_, [self, owned, failure] {
            if (!failure.empty()) return self->lost("cannot connect: " + failure);
            self->on_connected(std::exchange(owned->conn, nullptr));
        });
    });
}

void PgChangeListener::on_connected(PGconn* conn) {
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
    backoff_ = kListenerFirstBackoff;
    query_in_flight_ = false;
    own_pid_ = PQbackendPID(conn_);
    connected_.store(true);
    ++connects_;
    if (callbacks_.connected) callbacks_.connected();
    wait_readable();
    arm_ping();
    send_announcements();  // those made while disconnected
}

void PgChangeListener::wait_readable() {
    socket_.async_wait(
        asio::posix::descriptor_base::wait_read,
        [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
            if (ec || generation != self->generation_) return;
            self->on_readable();
        });
}

void PgChangeListener::on_readable() {
    if (PQconsumeInput(conn_) != 1) return lost(listener_error(conn_));
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
    if (PQstatus(conn_) == CONNECTION_BAD) return lost(listener_error(conn_));
    wait_readable();
    send_announcements();
}

// "<seq> <user_id>"; anything else on the channel is not ours and is ignored.
void PgChangeListener::deliver(std::string_view payload) {
    const auto space = payload.find(' ');
    if (space == std::string_view::npos) return;
    std::int64_t seq = 0;
    const auto* end = payload.data() + space;
    if (std::from_chars(payload.data(), end, seq).ptr != end) return;
    ++notifications_;
    if (callbacks_.changed) callbacks_.changed(payload.substr(space + 1), seq);
}

void PgChangeListener::arm_ping() {
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
                return self->lost(listener_error(self->conn_));
            }
            self->arm_ping();
            self->query_sent();
        });
}

void PgChangeListener::close() {
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

void PgChangeListener::lost(const std::string& why) {
    close();
    if (stopped_) return;
    if (callbacks_.lost) callbacks_.lost(why);
    retry_timer_.expires_after(backoff_);
    backoff_ = std::min<std::chrono::milliseconds>(backoff_ * 2, kMaxBackoff);
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) self->connect();
    });
}

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
