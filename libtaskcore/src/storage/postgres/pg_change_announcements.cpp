// This instance's announcements on the listener's connection: the users written since the last
// one, their latest seqs read and NOTIFYed, one query at a time.
#include <libpq-fe.h>

#include <string>

#include "pg_change_listener.hpp"

namespace taskcore::postgres {
namespace {

namespace asio = boost::asio;

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

}  // namespace

void PgChangeListener::announce(std::string_view user_id) {
    if (stopped_) return;
    {
        const std::lock_guard lock(pending_mutex_);
        if (pending_.size() < kMaxPendingAnnouncements) pending_.emplace(user_id);
        if (announce_posted_) return;  // the executor will take this user with the others
        announce_posted_ = true;
    }
    asio::post(executor_, [self = shared_from_this()] { self->send_announcements(); });
}

// Sends the users announced since the last announcement, when no query is on its way (else
// when it has been answered, or on connect).
void PgChangeListener::send_announcements() {
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
        return lost(listener_error(conn_));  // those users' streams elsewhere: at their heartbeat
    }
    reading_seqs_ = true;
    payloads_.clear();
    query_sent();
}

// The second statement of an announcement, once the seqs are read; false when the
// connection was lost.
bool PgChangeListener::send_notify() {
    if (payloads_.empty()) return true;
    const std::string channel(kChangesChannel);
    const std::string array = text_array(payloads_);
    payloads_.clear();
    const char* values[] = {channel.c_str(), array.c_str()};
    if (PQsendQueryParams(conn_, kNotify, 2, nullptr, values, nullptr, nullptr, 0) != 1) {
        lost(listener_error(conn_));
        return false;
    }
    ++announcements_;
    query_sent();
    return true;
}

// A query was queued on the connection: flush it, waiting for the socket when it is full.
void PgChangeListener::query_sent() {
    query_in_flight_ = true;
    query_sent_at_ = std::chrono::steady_clock::now();
    flush();
}

void PgChangeListener::flush() {
    const int pending = PQflush(conn_);
    if (pending < 0) return lost(listener_error(conn_));
    if (pending == 0) return;
    socket_.async_wait(
        asio::posix::descriptor_base::wait_write,
        [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
            if (ec || generation != self->generation_) return;
            self->flush();
        });
}

}  // namespace taskcore::postgres
