// Each awaitable call: a read on the thread's PostgreSQL pipeline when there is one, otherwise
// the synchronous service call on the blocking pool.
#include "http/async_services.hpp"

#include <boost/asio/this_coro.hpp>

namespace taskcore::server {

namespace asio = boost::asio;

void AsyncServices::add_pipelined_reads(asio::execution_context& context,
                                        std::unique_ptr<PipelinedReads> reads) {
    pipelined_.emplace_back(&context, std::make_unique<PipelinedReadService>(std::move(reads)));
}

PipelinedReadService* AsyncServices::reads_for(const asio::any_io_executor& executor) const {
    if (pipelined_.empty()) return nullptr;
    const auto* context = &asio::query(executor, asio::execution::context);
    for (const auto& [owner, reads] : pipelined_) {
        if (owner == context) return reads.get();
    }
    return nullptr;
}

PipelinedReads::Stats AsyncServices::pipeline_stats() const {
    PipelinedReads::Stats total;
    for (const auto& entry : pipelined_) {
        const auto s = entry.second->stats();
        total.queued += s.queued;
        total.in_flight += s.in_flight;
        total.connected = total.connected || s.connected;
    }
    return total;
}

AsyncServices::AsyncServices(Store& store, boost::asio::any_io_executor blocking,
                             std::chrono::milliseconds idempotency_ttl, std::string ticket_key)
    : store_(store),
      blocking_(std::move(blocking)),
      tasks_(store.tasks()),
      conversations_(store.conversations()),
      changes_(store.changes()),
      idempotent_(store, idempotency_ttl),
      tickets_(std::move(ticket_key)) {}

Awaitable<IdempotentOutcome> AsyncServices::run_once(
    std::string user, std::string key, std::string fingerprint,
    std::function<StoredResponse(UnitOfWork&)> effect) {
    return blocking([this, u = std::move(user), k = std::move(key), f = std::move(fingerprint),
                     e = std::move(effect)] { return idempotent_.run(u, k, f, e); });
}

// Reads: awaited through named locals (GCC 12 destroys temporaries of a co_await expression
// twice).
Awaitable<Task> AsyncServices::get_task(std::string user, Uuid id) {
    if (auto* reads = reads_for(co_await asio::this_coro::executor)) {
        auto read = reads->get_task(std::move(user), id);
        co_return co_await std::move(read);
    }
    auto work = blocking([this, u = std::move(user), id] { return tasks_.get(u, id); });
    co_return co_await std::move(work);
}

Awaitable<Page<Task>> AsyncServices::list_tasks(std::string user, TaskListQuery query) {
    if (auto* reads = reads_for(co_await asio::this_coro::executor)) {
        auto read = reads->list_tasks(std::move(user), std::move(query));
        co_return co_await std::move(read);
    }
    auto work =
        blocking([this, u = std::move(user), q = std::move(query)] { return tasks_.list(u, q); });
    co_return co_await std::move(work);
}

Awaitable<Task> AsyncServices::update_task(std::string user, Uuid id, TaskPatch patch,
                                           FieldErrors problems, Precondition expected) {
    return blocking([this, u = std::move(user), id, pt = std::move(patch), p = std::move(problems),
                     e = std::move(expected)]() mutable {
        return tasks_.update(u, id, std::move(pt), std::move(p), e);
    });
}

Awaitable<void> AsyncServices::remove_task(std::string user, Uuid id, Precondition expected) {
    return blocking(
        [this, u = std::move(user), id, e = std::move(expected)] { tasks_.remove(u, id, e); });
}

Awaitable<Conversation> AsyncServices::get_conversation(std::string user, Uuid id) {
    if (auto* reads = reads_for(co_await asio::this_coro::executor)) {
        auto read = reads->get_conversation(std::move(user), id);
        co_return co_await std::move(read);
    }
    auto work = blocking([this, u = std::move(user), id] { return conversations_.get(u, id); });
    co_return co_await std::move(work);
}

Awaitable<Page<Conversation>> AsyncServices::list_conversations(std::string user,
                                                                PageRequest page) {
    if (auto* reads = reads_for(co_await asio::this_coro::executor)) {
        auto read = reads->list_conversations(std::move(user), page);
        co_return co_await std::move(read);
    }
    auto work =
        blocking([this, u = std::move(user), page] { return conversations_.list(u, page); });
    co_return co_await std::move(work);
}

Awaitable<void> AsyncServices::remove_conversation(std::string user, Uuid id,
                                                   Precondition expected) {
    return blocking([this, u = std::move(user), id, e = std::move(expected)] {
        conversations_.remove(u, id, e);
    });
}

Awaitable<ChangePage> AsyncServices::changes_after(std::string user, ChangesQuery query) {
    return blocking([this, u = std::move(user), query] { return changes_.after(u, query); });
}

Awaitable<std::int64_t> AsyncServices::latest_seq(std::string user) {
    return blocking([this, u = std::move(user)] { return changes_.latest_seq(u); });
}

Awaitable<VerifiedTicket> AsyncServices::redeem_ticket(std::string user, std::string ticket) {
    return blocking([this, u = std::move(user), t = std::move(ticket)] {
        return tickets_.redeem(t, u, store_.tickets());
    });
}

Awaitable<Page<Message>> AsyncServices::list_messages(std::string user, Uuid conversation_id,
                                                      PageRequest page) {
    if (auto* reads = reads_for(co_await asio::this_coro::executor)) {
        auto read = reads->list_messages(std::move(user), conversation_id, page);
        co_return co_await std::move(read);
    }
    auto work = blocking([this, u = std::move(user), conversation_id, page] {
        return conversations_.list_messages(u, conversation_id, page);
    });
    co_return co_await std::move(work);
}

Awaitable<void> AsyncServices::ping() {
    if (auto* reads = reads_for(co_await asio::this_coro::executor)) {
        auto read = reads->ping();
        co_await std::move(read);
        co_return;
    }
    auto work = blocking([this] { store_.ping(); });
    co_await std::move(work);
}

Awaitable<std::vector<std::string>> AsyncServices::unreachable_nodes() {
    if (!store_.distributed()) co_return std::vector<std::string>{};
    auto work = blocking([this] { return store_.unreachable_nodes(); });
    co_return co_await std::move(work);
}

}  // namespace taskcore::server
