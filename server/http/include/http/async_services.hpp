// The storage facade handlers await. Every call completes on the awaiting coroutine's executor
// (the connection's I/O thread); where the work runs is this class's business alone. Reads and
// the health ping go to the PostgreSQL pipeline of the awaiting thread's io_context when one is
// registered (no thread hand-off); everything else runs the library's synchronous service on
// the blocking pool. Both paths apply the library's own rules.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "http/http_types.hpp"
#include "taskcore/service/change_feed.hpp"
#include "taskcore/service/conversation_service.hpp"
#include "taskcore/service/event_tickets.hpp"
#include "taskcore/service/idempotent_writes.hpp"
#include "taskcore/service/pipelined_read_service.hpp"
#include "taskcore/service/task_service.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::server {

template <typename T>
using Awaitable = boost::asio::awaitable<T>;

// The completion signature of a call returning T: the exception (if any), then the value.
template <typename T>
struct CompletionOf {
    using type = void(std::exception_ptr, T);
};
template <>
struct CompletionOf<void> {
    using type = void(std::exception_ptr);
};

class AsyncServices {
  public:
    // `blocking`: where calls that may block on the database run (never an I/O thread).
    // `idempotency_ttl`: how long keyed writes' responses are kept (IDEMPOTENCY_TTL_HOURS).
    // `ticket_key`: signs event-stream tickets (ticket_key_from; shared by every instance).
    AsyncServices(Store& store, boost::asio::any_io_executor blocking,
                  std::chrono::milliseconds idempotency_ttl, std::string ticket_key);

    Awaitable<Task> get_task(std::string user, Uuid id);
    Awaitable<Page<Task>> list_tasks(std::string user, TaskListQuery query);
    // `expected`: the conditional writes of TaskService (If-Match).
    Awaitable<Task> update_task(std::string user, Uuid id, TaskPatch patch, FieldErrors problems,
                                Precondition expected = {});
    Awaitable<void> remove_task(std::string user, Uuid id, Precondition expected = {});

    Awaitable<Conversation> get_conversation(std::string user, Uuid id);
    Awaitable<Page<Conversation>> list_conversations(std::string user, PageRequest page);
    Awaitable<void> remove_conversation(std::string user, Uuid id, Precondition expected = {});
    Awaitable<Page<Message>> list_messages(std::string user, Uuid conversation_id,
                                           PageRequest page);

    // The user's change log after query.since (ChangeFeed: ResyncRequiredError for a position
    // the log no longer covers).
    Awaitable<ChangePage> changes_after(std::string user, ChangesQuery query);
    Awaitable<std::int64_t> latest_seq(std::string user);

    // A one-time ticket for `user`'s event stream, the stream to end at `stream_ends_at`.
    [[nodiscard]] EventTicket issue_ticket(
        const std::string& user, std::chrono::system_clock::time_point stream_ends_at) const {
        return tickets_.issue(user, stream_ends_at);
    }
    // Verifies and uses up a ticket for `user`'s stream (TicketRefusedError when it opens
    // nothing).
    Awaitable<VerifiedTicket> redeem_ticket(std::string user, std::string ticket);

    // A keyed write (IdempotentWrites::run): `effect` runs on the blocking pool inside one
    // transaction with the storing of its response.
    Awaitable<IdempotentOutcome> run_once(std::string user, std::string key,
                                          std::string fingerprint,
                                          std::function<StoredResponse(UnitOfWork&)> effect);

    // A write of the route or tool table's form without an idempotency key: `effect`
    // runs on the blocking pool with the store's autocommit repositories, each statement its
    // own transaction, as the typed calls above do.
    template <typename Result>
    Awaitable<Result> write(std::function<Result(UnitOfWork&)> effect) {
        return blocking([this, e = std::move(effect)] {
            UnitOfWork autocommit{store_.tasks(), store_.conversations(), store_.idempotency()};
            return e(autocommit);
        });
    }

    // Throws StorageUnavailableError when the database does not answer.
    Awaitable<void> ping();
    // Citus workers the coordinator cannot reach (Store::unreachable_nodes); no database work
    // unless the tables are distributed.
    Awaitable<std::vector<std::string>> unreachable_nodes();

    [[nodiscard]] std::string_view backend() const { return store_.backend(); }
    [[nodiscard]] Store::PoolStats pool_stats() const { return store_.pool_stats(); }

    // Serves the reads of coroutines running on `context` from `reads` (one per I/O thread).
    // Register before serving; the table is read without a lock afterwards.
    void add_pipelined_reads(boost::asio::execution_context& context,
                             std::unique_ptr<PipelinedReads> reads);
    // Summed over the I/O threads' pipelines, for metrics.
    [[nodiscard]] PipelinedReads::Stats pipeline_stats() const;
    [[nodiscard]] std::size_t pipelines() const { return pipelined_.size(); }

  private:
    // The pipeline of the thread running `executor`, or null (SQLite, or pipelining off).
    [[nodiscard]] PipelinedReadService* reads_for(
        const boost::asio::any_io_executor& executor) const;

    // Runs `work` on the blocking executor, then resumes the caller on its own executor (the
    // handler's associated one) with the result or the exception. Plain posts rather than a
    // spawned coroutine: no coroutine frame per call on the worker side.
    template <typename F>
    auto blocking(F work) {
        using Result = decltype(work());
        using Signature = typename CompletionOf<Result>::type;
        return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, Signature>(
            [this](auto handler, F w) {
                boost::asio::post(blocking_, [h = std::move(handler), w = std::move(w)]() mutable {
                    const auto resume_on = boost::asio::get_associated_executor(h);
                    std::exception_ptr failure;
                    if constexpr (std::is_void_v<Result>) {
                        try {
                            w();
                        } catch (...) {
                            failure = std::current_exception();
                        }
                        boost::asio::post(resume_on, [h = std::move(h), failure]() mutable {
                            std::move(h)(failure);
                        });
                    } else {
                        Result result{};
                        try {
                            result = w();
                        } catch (...) {
                            failure = std::current_exception();
                        }
                        boost::asio::post(resume_on, [h = std::move(h), failure,
                                                      r = std::move(result)]() mutable {
                            std::move(h)(failure, std::move(r));
                        });
                    }
                });
            },
            boost::asio::use_awaitable, std::move(work));
    }

    Store& store_;
    boost::asio::any_io_executor blocking_;
    std::vector<
        std::pair<const boost::asio::execution_context*, std::unique_ptr<PipelinedReadService>>>
        pipelined_;
    TaskService tasks_;
    ConversationService conversations_;
    ChangeFeed changes_;
    IdempotentWrites idempotent_;
    EventTickets tickets_;
};

}  // namespace taskcore::server
