// One PostgreSQL connection in libpq pipeline mode, driven by an Asio executor: requests from
// many callers are queued into the same pipeline and answered in order, with no thread hand-off
// and no blocking wait.
#pragma once

#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "pg_params.hpp"
#include "pg_pool.hpp"
#include "storage/statement.hpp"

namespace taskcore::postgres {

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;
using Results = std::vector<Result>;

// A move-only callable (Asio's completion handlers cannot be copied, so std::function won't do).
class Completion {
  public:
    template <typename F>
    explicit Completion(F f) : impl_(std::make_unique<Impl<F>>(std::move(f))) {}
    void operator()(const std::exception_ptr& error, Results results) {
        impl_->call(error, std::move(results));
    }

  private:
    struct Base {
        virtual ~Base() = default;
        virtual void call(const std::exception_ptr& error, Results results) = 0;
    };
    template <typename F>
    struct Impl final : Base {
        explicit Impl(F f) : fn(std::move(f)) {}
        void call(const std::exception_ptr& error, Results results) override {
            std::move(fn)(error, std::move(results));
        }
        F fn;
    };
    std::unique_ptr<Base> impl_;
};

// One statement of a request; a request's statements share one sync point (one implicit
// transaction, or the explicit one they open and close).
struct Command {
    storage::Statement statement;
    Params params;
};

// A libpq message without its trailing newline and spaces.
std::string trimmed(const char* message);

struct PipelineOptions {
    bool prepared_statements = true;  // false behind transaction-mode poolers: unnamed statements
    std::chrono::milliseconds statement_timeout{5000};
    std::chrono::milliseconds connect_timeout{kConnectTimeout};
};

class Pipeline : public std::enable_shared_from_this<Pipeline> {
  public:
    // Bounded queueing: beyond this many requests waiting or in flight on one connection a new
    // one fails at once as unavailable (503 + Retry-After) instead of waiting without bound.
    static constexpr std::size_t kMaxDepth = 512;

    Pipeline(const boost::asio::any_io_executor& executor, std::string conninfo,
             PipelineOptions options);
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    // Queues `commands`; `done` runs later on the executor with the results of the commands (one
    // per command) or the failure. Reads set `retry_once`: when the connection breaks before the
    // answer, they are sent once more on a fresh connection. Call on the executor's thread.
    void submit(std::vector<Command> commands, bool retry_once, Completion done);

    // Readable from any thread (metrics): copies the executor thread publishes as it goes.
    [[nodiscard]] std::size_t queued() const { return queued_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::size_t in_flight() const {
        return in_flight_count_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] bool connected() const { return connected_.load(std::memory_order_relaxed); }

  private:
    enum class State { disconnected, connecting, ready };
    struct Request {
        std::vector<Command> commands;
        bool retry_once = false;
        bool retried = false;
        Completion done;
        // Filled while in flight:
        std::vector<bool> deliver;  // per sent command: false for our own PREPAREs
        std::vector<std::string> prepared_here;
        std::size_t commands_finished = 0;
        bool own_transaction = false;  // starts with BEGIN: sync points on both sides
        bool sync_after = false;       // the batch's sync point follows this request
        bool aborted = false;          // skipped after another request of the batch failed
        Results results;
        std::string error_state;
        std::string error_message;
        bool error_ends_session = false;  // FATAL, PANIC, or libpq's own (connection lost)
        std::chrono::steady_clock::time_point sent_at;
    };

    void connect();
    void continue_connect(PostgresPollingStatusType status);
    void connect_failed(const std::string& why);
    void on_connected();
    bool watch_socket();
    void schedule_send();
    void send_pending();
    static bool opens_transaction(const Request& request);
    bool send(Request& request);
    void flush();
    void wait_readable();
    void on_readable();
    void drain();
    void take_result(Request& front, Result result);
    void finish_front();
    void fail_connection(const std::string& why);
    void arm_watchdog();
    void complete(Request& request, const std::exception_ptr& error);
    void close_connection();
    void publish();

    boost::asio::any_io_executor executor_;
    std::string conninfo_;
    PipelineOptions options_;
    PGconn* conn_ = nullptr;
    boost::asio::posix::stream_descriptor socket_;
    boost::asio::steady_timer connect_timer_;
    boost::asio::steady_timer watchdog_;
    State state_ = State::disconnected;
    std::uint64_t generation_ = 0;  // bumped per socket wait owner: stale events are ignored
    std::uint64_t attempt_ = 0;     // connect attempts, for the connect timeout
    bool reading_ = false;
    bool writing_ = false;
    bool flush_posted_ = false;
    bool watchdog_armed_ = false;
    std::chrono::steady_clock::time_point down_until_{};
    std::unordered_set<std::string> prepared_;
    std::deque<Request> pending_;
    std::deque<Request> in_flight_;
    std::atomic<std::size_t> queued_{0};
    std::atomic<std::size_t> in_flight_count_{0};
    std::atomic<bool> connected_{false};
};

}  // namespace taskcore::postgres
