// The pipeline's state machine: asynchronous connect, queueing, and failing or retrying in-flight
// requests when the connection breaks (sending and reading results: pg_pipeline_io.cpp).
#include "pg_pipeline.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>

#include "pg_pool.hpp"
#include "taskcore/domain/errors.hpp"

namespace taskcore::postgres {
namespace {

using Clock = std::chrono::steady_clock;
namespace asio = boost::asio;

// After a failed connect, requests fail at once for this long instead of each trying again.
constexpr auto kRetryConnectAfter = std::chrono::milliseconds{250};
// How long past statement_timeout an answer may take before the connection counts as dead
// (a silent network, a stopped server): every request gets an answer, none hangs.
constexpr auto kAnswerGrace = std::chrono::seconds{2};

std::exception_ptr unavailable(const std::string& why) {
    return std::make_exception_ptr(StorageUnavailableError("postgresql: " + why));
}

}  // namespace

std::string trimmed(const char* message) {
    std::string text = message != nullptr ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

Pipeline::Pipeline(const asio::any_io_executor& executor, std::string conninfo,
                   PipelineOptions options)
    : executor_(executor),
      conninfo_(std::move(conninfo)),
      options_(options),
      socket_(executor),
      connect_timer_(executor),
      watchdog_(executor) {}

Pipeline::~Pipeline() {
    close_connection();
}

void Pipeline::submit(std::vector<Command> commands, bool retry_once, Completion done) {
    Request request{std::move(commands), retry_once, false, std::move(done)};
    if (pending_.size() + in_flight_.size() >= kMaxDepth) {
        return complete(request, unavailable("pipeline full (" + std::to_string(kMaxDepth) +
                                             " requests queued on the connection)"));
    }
    if (state_ == State::disconnected && Clock::now() < down_until_) {
        return complete(request, unavailable("cannot connect (retrying shortly)"));
    }
    pending_.push_back(std::move(request));
    publish();
    if (state_ == State::disconnected) return connect();
    if (state_ == State::ready) schedule_send();
}

// Everything submitted in this turn of the event loop leaves in one batch, one write.
void Pipeline::schedule_send() {
    if (flush_posted_) return;
    flush_posted_ = true;
    asio::post(executor_, [self = shared_from_this()] {
        self->flush_posted_ = false;
        self->send_pending();
    });
}

void Pipeline::connect() {
    close_connection();
    state_ = State::connecting;
    conn_ = PQconnectStart(conninfo_.c_str());
    if (conn_ == nullptr) return connect_failed("out of memory");
    if (PQstatus(conn_) == CONNECTION_BAD) return connect_failed(trimmed(PQerrorMessage(conn_)));
    PQsetnonblocking(conn_, 1);
    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait(
        [self = shared_from_this(), attempt = ++attempt_](boost::system::error_code ec) {
            if (ec || attempt != self->attempt_ || self->state_ != State::connecting) return;
            self->connect_failed("connect timed out");
        });
    continue_connect(PGRES_POLLING_WRITING);
}

// libpq may replace its socket while connecting (another address, an SSL retry), so the watched
// descriptor is renewed at every step.
bool Pipeline::watch_socket() {
    const int fd = PQsocket(conn_);
    if (fd < 0) return false;
    boost::system::error_code ignored;
    socket_.close(ignored);
    const int copy = ::dup(fd);  // ours to close; libpq closes its own
    if (copy < 0) return false;
    socket_.assign(copy, ignored);
    return !ignored;
}

void Pipeline::continue_connect(PostgresPollingStatusType status) {
    if (status == PGRES_POLLING_OK) return on_connected();
    if (status == PGRES_POLLING_FAILED) return connect_failed(trimmed(PQerrorMessage(conn_)));
    if (!watch_socket()) return connect_failed("no socket");
    const auto wait = status == PGRES_POLLING_READING ? asio::posix::descriptor_base::wait_read
                                                      : asio::posix::descriptor_base::wait_write;
    ++generation_;
    socket_.async_wait(
        wait, [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
            if (ec || generation != self->generation_ || self->state_ != State::connecting) return;
            self->continue_connect(PQconnectPoll(self->conn_));
        });
}

void Pipeline::connect_failed(const std::string& why) {
    close_connection();
    state_ = State::disconnected;
    down_until_ = Clock::now() + kRetryConnectAfter;
    auto waiting = std::move(pending_);
    pending_.clear();
    for (auto& r : waiting) complete(r, unavailable("cannot connect: " + why));
    publish();
}

void Pipeline::on_connected() {
    connect_timer_.cancel();
    if (PQenterPipelineMode(conn_) != 1) return connect_failed(trimmed(PQerrorMessage(conn_)));
    state_ = State::ready;
    ++generation_;
    connected_.store(true, std::memory_order_relaxed);
    if (options_.prepared_statements) {
        // A session of our own: the same runaway-query guard as the blocking pool. Behind a
        // transaction-mode pooler it is set on the database role instead (docs/postgresql.md).
        std::vector<Command> set;
        set.push_back(
            {{"", "SET statement_timeout = " + std::to_string(options_.statement_timeout.count())},
             {}});
        pending_.push_front(Request{std::move(set), false, false,
                                    Completion([](const std::exception_ptr&, const Results&) {})});
    }
    send_pending();
}

void Pipeline::fail_connection(const std::string& why) {
    close_connection();
    state_ = State::disconnected;
    std::deque<Request> again;
    auto lost = std::move(in_flight_);
    in_flight_.clear();
    for (auto& r : lost) {
        if (r.retry_once && !r.retried) {
            r.retried = true;
            again.push_back(std::move(r));
        } else {
            complete(r, unavailable("connection lost: " + why));
        }
    }
    for (auto& r : pending_) again.push_back(std::move(r));
    pending_ = std::move(again);
    publish();
    if (!pending_.empty()) connect();
}

void Pipeline::arm_watchdog() {
    if (watchdog_armed_) return;
    watchdog_armed_ = true;
    watchdog_.expires_after(std::chrono::seconds{1});
    watchdog_.async_wait([self = shared_from_this()](boost::system::error_code) {
        self->watchdog_armed_ = false;
        if (self->in_flight_.empty()) return;
        const auto limit = self->options_.statement_timeout + kAnswerGrace;
        if (Clock::now() - self->in_flight_.front().sent_at > limit) {
            return self->fail_connection("no answer within " + std::to_string(limit.count()) +
                                         " ms");
        }
        self->arm_watchdog();
    });
}

void Pipeline::complete(Request& request, const std::exception_ptr& error) {
    asio::post(executor_, [done = std::move(request.done), error,
                           results = std::move(request.results)]() mutable {
        done(error, std::move(results));
    });
}

void Pipeline::publish() {
    queued_.store(pending_.size(), std::memory_order_relaxed);
    in_flight_count_.store(in_flight_.size(), std::memory_order_relaxed);
}

void Pipeline::close_connection() {
    connected_.store(false, std::memory_order_relaxed);
    ++generation_;
    reading_ = false;
    writing_ = false;
    boost::system::error_code ignored;
    socket_.close(ignored);
    connect_timer_.cancel();
    if (conn_ != nullptr) {
        PQfinish(conn_);
        conn_ = nullptr;
    }
    prepared_.clear();
}

}  // namespace taskcore::postgres
