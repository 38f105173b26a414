// The read use-cases without blocking, over pipelined storage reads (PipelinedReads): the same
// rules as TaskService and ConversationService (the user id and the page are checked; a missing
// task or conversation is NotFoundError with the same message), awaited instead of blocking.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

#include "taskcore/storage/pipelined_reads.hpp"

namespace taskcore {

class PipelinedReadService {
  public:
    explicit PipelinedReadService(std::unique_ptr<PipelinedReads> reads);

    // Await these from coroutines running on the reads' executor (see PipelinedReads).
    boost::asio::awaitable<Task> get_task(std::string user_id, Uuid id);
    boost::asio::awaitable<Page<Task>> list_tasks(std::string user_id, TaskListQuery query);
    boost::asio::awaitable<Conversation> get_conversation(std::string user_id, Uuid id);
    boost::asio::awaitable<Page<Conversation>> list_conversations(std::string user_id,
                                                                  PageRequest page);
    boost::asio::awaitable<Page<Message>> list_messages(std::string user_id, Uuid conversation_id,
                                                        PageRequest page);
    boost::asio::awaitable<void> ping() { return reads_->ping(); }
    [[nodiscard]] PipelinedReads::Stats stats() const { return reads_->stats(); }

  private:
    std::unique_ptr<PipelinedReads> reads_;
};

}  // namespace taskcore
