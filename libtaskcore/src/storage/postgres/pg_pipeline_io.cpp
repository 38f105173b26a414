// The pipeline's traffic: sending each event-loop turn's requests in one batch with one flush,
// and reading their results back in order.
#include <boost/asio/posix/descriptor_base.hpp>

#include "pg_pipeline.hpp"
#include "pg_pool.hpp"
#include "taskcore/domain/errors.hpp"

namespace taskcore::postgres {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

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

}  // namespace taskcore::postgres
