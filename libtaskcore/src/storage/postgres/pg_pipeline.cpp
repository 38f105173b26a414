// The pipeline's state machine: asynchronous connect, sending with one flush per event-loop turn,
// reading results back in order, and failing or retrying in-flight requests when the connection
// breaks.
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

std::string trimmed(const char* message) {
    std::string text = message != nullptr ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

}  // namespace

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

// One sync point per batch: libpq 15's PQpipelineSync writes to the socket itself, so a sync
// per request would be a send() per request. Plain reads share the batch's implicit
// transaction (each statement still sees its own snapshot); a request that opens its own
// transaction (BEGIN ...) gets sync points on both sides, because BEGIN ISOLATION LEVEL must
// come first in its transaction.
void Pipeline::send_pending() {
    if (state_ != State::ready || pending_.empty()) return;
    bool batch_open = false;
    const auto sync = [&] {
        batch_open = false;
        in_flight_.back().sync_after = true;
        return PQpipelineSync(conn_) == 1;
    };
    while (!pending_.empty()) {
        const bool own_transaction = opens_transaction(pending_.front());
        if (own_transaction && batch_open && !sync())
            return fail_connection(trimmed(PQerrorMessage(conn_)));
        in_flight_.push_back(std::move(pending_.front()));
        pending_.pop_front();
        in_flight_.back().own_transaction = own_transaction;
        if (!send(in_flight_.back())) return fail_connection(trimmed(PQerrorMessage(conn_)));
        batch_open = true;
        if (own_transaction && !sync()) return fail_connection(trimmed(PQerrorMessage(conn_)));
    }
    if (batch_open && !sync()) return fail_connection(trimmed(PQerrorMessage(conn_)));
    publish();
    flush();
    wait_readable();
    arm_watchdog();
}

bool Pipeline::opens_transaction(const Request& request) {
    return !request.commands.empty() && request.commands.front().statement.sql.starts_with("BEGIN");
}

bool Pipeline::send(Request& r) {
    r.deliver.clear();
    r.prepared_here.clear();
    r.commands_finished = 0;
    r.results.clear();
    r.error_state.clear();
    r.error_message.clear();
    r.aborted = false;
    r.sync_after = false;
    r.sent_at = Clock::now();
    for (const auto& command : r.commands) {
        const auto values = command.params.pointers();
        const int n = static_cast<int>(values.size());
        const auto& st = command.statement;
        const bool named = options_.prepared_statements && !st.name.empty();
        if (named && prepared_.count(st.name) == 0) {
            if (PQsendPrepare(conn_, st.name.c_str(), st.sql.c_str(), n, nullptr) != 1)
                return false;
            r.deliver.push_back(false);
            r.prepared_here.push_back(st.name);
            prepared_.insert(st.name);
        }
        const int sent = named ? PQsendQueryPrepared(conn_, st.name.c_str(), n, values.data(),
                                                     nullptr, nullptr, 0)
                               : PQsendQueryParams(conn_, st.sql.c_str(), n, nullptr, values.data(),
                                                   nullptr, nullptr, 0);
        if (sent != 1) return false;
        r.deliver.push_back(true);
    }
    return true;  // the sync point is send_pending's
}

void Pipeline::flush() {
    if (state_ != State::ready) return;
    const int left = PQflush(conn_);
    if (left < 0) return fail_connection(trimmed(PQerrorMessage(conn_)));
    if (left == 0 || writing_) return;
    writing_ = true;
    socket_.async_wait(
        asio::posix::descriptor_base::wait_write,
        [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
            if (generation != self->generation_) return;
            self->writing_ = false;
            if (!ec) self->flush();
        });
}

void Pipeline::wait_readable() {
    if (reading_ || in_flight_.empty() || state_ != State::ready) return;
    reading_ = true;
    socket_.async_wait(
        asio::posix::descriptor_base::wait_read,
        [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
            if (generation != self->generation_) return;
            self->reading_ = false;
            if (!ec) self->on_readable();
        });
}

void Pipeline::on_readable() {
    if (PQconsumeInput(conn_) != 1 || PQstatus(conn_) == CONNECTION_BAD) {
        return fail_connection(trimmed(PQerrorMessage(conn_)));
    }
    drain();
    wait_readable();
}

// Results arrive per command, each followed by a null result; a request ends with its last
// command, or with the sync point that follows it.
void Pipeline::drain() {
    while (state_ == State::ready && !in_flight_.empty()) {
        if (PQisBusy(conn_) != 0) return;
        Result result{PQgetResult(conn_)};
        Request& front = in_flight_.front();
        if (!result) {
            if (front.commands_finished >= front.deliver.size()) return;  // nothing buffered
            if (++front.commands_finished == front.deliver.size() && !front.sync_after) {
                finish_front();
            }
            continue;
        }
        if (PQresultStatus(result.get()) == PGRES_PIPELINE_SYNC) {
            finish_front();
        } else {
            take_result(front, std::move(result));
        }
    }
}

void Pipeline::take_result(Request& front, Result result) {
    const auto status = PQresultStatus(result.get());
    const std::size_t at = front.commands_finished;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        if (at < front.deliver.size() && front.deliver[at])
            front.results.push_back(std::move(result));
        return;
    }
    if (status == PGRES_PIPELINE_ABORTED) {
        front.aborted = true;
        return;
    }
    if (!front.error_state.empty()) return;
    const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    front.error_state = state != nullptr ? state : "08000";
    front.error_message = trimmed(PQresultErrorMessage(result.get()));
    // An ERROR leaves the session usable; FATAL and PANIC end it, and libpq's own failures
    // (the connection lost) carry no severity.
    const char* severity = PQresultErrorField(result.get(), PG_DIAG_SEVERITY_NONLOCALIZED);
    front.error_ends_session = severity == nullptr || std::string_view(severity) != "ERROR";
    // A PREPARE that failed, or never ran because an earlier command failed, must be sent
    // again next time.
    for (std::size_t i = 0, p = 0; i < front.deliver.size(); ++i) {
        if (front.deliver[i]) continue;
        if (i >= at) prepared_.erase(front.prepared_here[p]);
        ++p;
    }
}

void Pipeline::finish_front() {
    Request request = std::move(in_flight_.front());
    in_flight_.pop_front();
    if (request.error_state.empty() && request.aborted) {
        // Skipped because another request of its batch failed: nothing ran, not even the
        // PREPAREs sent with it, so those are sent again too.
        for (const auto& name : request.prepared_here) prepared_.erase(name);
        pending_.push_back(std::move(request));
        publish();
        return schedule_send();
    }
    publish();
    if (request.error_state.empty()) {
        complete(request, nullptr);
        if (in_flight_.empty()) watchdog_.cancel();
        return;
    }
    const auto kind = classify_sqlstate(
        request.error_state, !request.error_ends_session && PQstatus(conn_) == CONNECTION_OK);
    // An explicit transaction left failed would make every later request fail: start afresh.
    const bool broken = kind.connection_broken ||
                        (request.own_transaction && PQtransactionStatus(conn_) == PQTRANS_INERROR);
    if (broken && request.retry_once && !request.retried) {
        const auto why = request.error_message;
        in_flight_.push_front(std::move(request));  // retried on the new connection
        return fail_connection(why);
    }
    std::exception_ptr error;
    try {
        throw_sql_error(kind, request.error_state, request.error_message);
    } catch (...) {
        error = std::current_exception();
    }
    complete(request, error);
    if (broken) fail_connection("connection unusable after " + request.error_state);
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
