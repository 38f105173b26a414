// The read use-cases on a PostgreSQL pipeline: the statements and row decoding of the blocking
// repositories, sent through Pipeline and awaited.
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <stdexcept>
#include <type_traits>

#include "pg_pipeline.hpp"
#include "pg_pool.hpp"
#include "pg_statements.hpp"
#include "storage/row_decoding.hpp"
#include "storage/shared_sql.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/storage/pipelined_reads.hpp"

namespace taskcore {
namespace postgres {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

// A libpq result row as the shared decoders (storage/row_decoding.hpp) read it. Values are text;
// lengths come from libpq, so nothing is cut at a NUL.
struct PqRow {
    const PGresult* result;
    int row;
    [[nodiscard]] bool is_null(int i) const { return PQgetisnull(result, row, i) != 0; }
    [[nodiscard]] std::string_view text(int i) const {
        return {PQgetvalue(result, row, i), static_cast<std::size_t>(PQgetlength(result, row, i))};
    }
    [[nodiscard]] std::int64_t int64(int i) const {
        const char* v = PQgetvalue(result, row, i);
        std::int64_t out = 0;
        const auto [end, ec] = std::from_chars(v, v + PQgetlength(result, row, i), out);
        if (ec != std::errc{})
            throw StorageError("postgresql: not an integer in column " + std::to_string(i));
        return out;
    }
    [[nodiscard]] bool boolean(int i) const { return PQgetvalue(result, row, i)[0] == 't'; }
};

int rows(const Result& r) {
    return PQntuples(r.get());
}

Command command(const storage::Statement& statement, Params params) {
    return Command{statement, std::move(params)};
}

Params user_and(std::string_view user_id, const Uuid& id) {
    Params p;
    p.text(user_id).text(id.to_string());
    return p;
}

class PgPipelinedReads final : public PipelinedReads {
  public:
    PgPipelinedReads(const asio::any_io_executor& executor, std::string conninfo,
                     PipelineOptions options)
        : pipeline_(std::make_shared<Pipeline>(executor, std::move(conninfo), options)) {}

    awaitable<std::optional<Task>> find_task(std::string user_id, Uuid id) override {
        return find_one<Task>(std::move(user_id), id, sql::kTaskFind);
    }

    awaitable<Page<Task>> list_tasks(std::string user_id, TaskListQuery q) override {
        const auto s = sql::task_list(user_id, q);
        Page<Task> page;
        if (s.counts_answer) {
            auto op = run(one(s.rows_with_counts, s.page));
            const auto r = co_await std::move(op);
            const auto n = rows(r[0]);
            if (n > 0) {
                const PqRow first{r[0].get(), 0};
                page.total = storage::status_total(first.int64(sql::kCountsColumn),
                                                   first.int64(sql::kCountsColumn + 1), q.status);
                page.items.reserve(static_cast<std::size_t>(n));
                for (int i = 0; i < n; ++i) page.items.push_back(decode_task(r[0], i));
                storage::finish_page(page, q.limit);
                co_return page;
            }
            // An empty page: count and page in one snapshot, as the blocking path does.
        }
        std::vector<Command> snapshot;
        snapshot.push_back(command(sql::kBeginSnapshot, {}));
        snapshot.push_back(s.counts_answer ? command(sql::kTaskCounts, s.user_only)
                                           : command(s.count, s.filters));
        snapshot.push_back(command(s.rows, s.page));
        snapshot.push_back(command(sql::kCommit, {}));
        auto op = run(std::move(snapshot));
        const auto r = co_await std::move(op);
        if (s.counts_answer) {
            if (rows(r[1]) > 0) {
                const PqRow counts{r[1].get(), 0};
                page.total = storage::status_total(counts.int64(0), counts.int64(1), q.status);
            }
        } else {
            page.total = PqRow{r[1].get(), 0}.int64(0);
        }
        for (int i = 0; i < rows(r[2]); ++i) page.items.push_back(decode_task(r[2], i));
        storage::finish_page(page, q.limit);
        co_return page;
    }

    awaitable<std::optional<Conversation>> find_conversation(std::string user_id,
                                                             Uuid id) override {
        return find_one<Conversation>(std::move(user_id), id, sql::kConversationFind);
    }

    awaitable<Page<Conversation>> list_conversations(std::string user_id,
                                                     PageRequest page_request) override {
        Params user;
        user.text(user_id);
        auto list = sql::conversation_list(user_id, page_request);
        std::vector<Command> snapshot;
        snapshot.push_back(command(sql::kBeginSnapshot, {}));
        snapshot.push_back(command(sql::kConversationCount, std::move(user)));
        snapshot.push_back(command(list.statement, std::move(list.params)));
        snapshot.push_back(command(sql::kCommit, {}));
        auto op = run(std::move(snapshot));
        const auto r = co_await std::move(op);
        Page<Conversation> page;
        page.total = PqRow{r[1].get(), 0}.int64(0);
        for (int i = 0; i < rows(r[2]); ++i)
            page.items.push_back(storage::decode_conversation(PqRow{r[2].get(), i}));
        storage::finish_page(page, page_request.limit);
        co_return page;
    }

    awaitable<std::optional<Page<Message>>> list_messages(std::string user_id, Uuid conversation_id,
                                                          PageRequest page_request) override {
        const auto key = user_and(user_id, conversation_id);
        auto list = sql::message_list(user_id, conversation_id, page_request);
        std::vector<Command> snapshot;
        snapshot.push_back(command(sql::kBeginSnapshot, {}));
        snapshot.push_back(command(sql::kConversationExists, key));
        snapshot.push_back(command(sql::kMessageCount, key));
        snapshot.push_back(command(list.statement, std::move(list.params)));
        snapshot.push_back(command(sql::kCommit, {}));
        auto op = run(std::move(snapshot));
        const auto r = co_await std::move(op);
        if (rows(r[1]) == 0) co_return std::nullopt;
        Page<Message> page;
        page.total = PqRow{r[2].get(), 0}.int64(0);
        for (int i = 0; i < rows(r[3]); ++i)
            page.items.push_back(storage::decode_message(PqRow{r[3].get(), i}));
        storage::finish_page(page, page_request.limit);
        co_return page;
    }

    awaitable<void> ping() override {
        auto op = run(one(sql::kPing, {}));
        co_await std::move(op);
    }

    [[nodiscard]] Stats stats() const override {
        return {pipeline_->queued(), pipeline_->in_flight(), pipeline_->connected()};
    }

  private:
    // A single row by (user, id), decoded, or nothing.
    template <typename T>
    awaitable<std::optional<T>> find_one(std::string user_id, Uuid id,
                                         const storage::Statement& statement) {
        auto op = run(one(statement, user_and(user_id, id)));
        const auto r = co_await std::move(op);
        if (rows(r[0]) == 0) co_return std::nullopt;
        const PqRow row{r[0].get(), 0};
        if constexpr (std::is_same_v<T, Task>) {
            co_return storage::decode_task(row);
        } else {
            co_return storage::decode_conversation(row);
        }
    }

    static std::vector<Command> one(const storage::Statement& statement, Params params) {
        std::vector<Command> commands;
        commands.push_back(command(statement, std::move(params)));
        return commands;
    }

    static Task decode_task(const Result& r, int i) {
        return storage::decode_task(PqRow{r.get(), i});
    }

    // Every command here only reads, so a broken connection may run it once more. Not a
    // coroutine itself, and awaited only through a named local: GCC 12 destroys temporaries
    // of a co_await expression twice (a shared_ptr captured there was released twice).
    awaitable<Results> run(std::vector<Command> commands) {
        return asio::async_initiate<const asio::use_awaitable_t<>,
                                    void(std::exception_ptr, Results)>(
            [pipeline = pipeline_](auto handler, std::vector<Command> cmds) {
                const auto expected = cmds.size();
                pipeline->submit(
                    std::move(cmds), true,
                    Completion([h = std::move(handler), expected](std::exception_ptr error,
                                                                  Results results) mutable {
                        if (!error && results.size() != expected) {
                            error = std::make_exception_ptr(StorageError(
                                "postgresql: pipeline returned " + std::to_string(results.size()) +
                                " results for " + std::to_string(expected) + " statements"));
                        }
                        std::move(h)(error, std::move(results));
                    }));
            },
            asio::use_awaitable, std::move(commands));
    }

    std::shared_ptr<Pipeline> pipeline_;
};

}  // namespace
}  // namespace postgres

std::unique_ptr<PipelinedReads> open_pipelined_reads(const std::string& url,
                                                     const StoreOptions& options,
                                                     const boost::asio::any_io_executor& executor) {
    if (!url.starts_with("postgresql://") && !url.starts_with("postgres://"))
        throw std::invalid_argument("pipelined reads need a postgresql:// URL");
    postgres::PipelineOptions pipeline;
    pipeline.prepared_statements = options.prepared_statements;
    pipeline.statement_timeout = options.statement_timeout;
    auto conninfo = postgres::make_conninfo(url);
    pipeline.connect_timeout = postgres::connect_timeout_of(conninfo);
    return std::make_unique<postgres::PgPipelinedReads>(executor, std::move(conninfo), pipeline);
}

}  // namespace taskcore
