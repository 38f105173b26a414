// The reads of the repositories without blocking, for servers running Boost.Asio event loops: on
// PostgreSQL they are answered on one connection in libpq pipeline mode whose socket the given
// executor watches (no worker thread, no blocking wait). Storage only, like the repositories: a
// missing row is an empty optional, failures are StorageError or StorageUnavailableError. The
// inputs are checked by the service in front (taskcore/service/pipelined_read_service.hpp), the
// same rules TaskService and ConversationService apply.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/page.hpp"
#include "taskcore/domain/task.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore {

class PipelinedReads {
  public:
    virtual ~PipelinedReads() = default;

    // Await these from coroutines running on the executor given at creation (its thread owns
    // the connection; the object is not shared between threads).
    virtual boost::asio::awaitable<std::optional<Task>> find_task(std::string user_id, Uuid id) = 0;
    virtual boost::asio::awaitable<Page<Task>> list_tasks(std::string user_id,
                                                          TaskListQuery query) = 0;
    virtual boost::asio::awaitable<std::optional<Conversation>> find_conversation(
        std::string user_id, Uuid id) = 0;
    virtual boost::asio::awaitable<Page<Conversation>> list_conversations(std::string user_id,
                                                                          PageRequest page) = 0;
    // Empty when the conversation does not exist for this user.
    virtual boost::asio::awaitable<std::optional<Page<Message>>> list_messages(
        std::string user_id, Uuid conversation_id, PageRequest page) = 0;
    // SELECT 1; throws StorageUnavailableError when the database does not answer.
    virtual boost::asio::awaitable<void> ping() = 0;

    struct Stats {
        std::size_t queued = 0;     // waiting to be sent (connecting, or this turn's batch)
        std::size_t in_flight = 0;  // sent, answer not yet read: the pipeline depth
        bool connected = false;
    };
    [[nodiscard]] virtual Stats stats() const = 0;
};

// Pipelined reads on the PostgreSQL database at `url` (postgresql://...), driven by `executor`.
// Connects lazily, on the first request. Throws std::invalid_argument for other URLs.
std::unique_ptr<PipelinedReads> open_pipelined_reads(const std::string& url,
                                                     const StoreOptions& options,
                                                     const boost::asio::any_io_executor& executor);

}  // namespace taskcore
