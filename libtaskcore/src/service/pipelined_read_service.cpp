// The read use-cases over pipelined reads: the services' input checks, then the storage read.
#include "taskcore/service/pipelined_read_service.hpp"

#include "taskcore/domain/errors.hpp"
#include "taskcore/service/input_rules.hpp"

namespace taskcore {

PipelinedReadService::PipelinedReadService(std::unique_ptr<PipelinedReads> reads)
    : reads_(std::move(reads)) {}

// Each storage read is awaited through a named local: GCC 12 destroys temporaries of a co_await
// expression twice.
boost::asio::awaitable<Task> PipelinedReadService::get_task(std::string user_id, Uuid id) {
    check_user_id(user_id);
    auto read = reads_->find_task(std::move(user_id), id);
    auto task = co_await std::move(read);
    if (!task) throw NotFoundError("task not found");
    co_return std::move(*task);
}

boost::asio::awaitable<Page<Task>> PipelinedReadService::list_tasks(std::string user_id,
                                                                    TaskListQuery query) {
    check_user_id(user_id);
    check_page(query.limit, query.offset, query.after.has_value());
    auto read = reads_->list_tasks(std::move(user_id), std::move(query));
    co_return co_await std::move(read);
}

boost::asio::awaitable<Conversation> PipelinedReadService::get_conversation(std::string user_id,
                                                                            Uuid id) {
    check_user_id(user_id);
    auto read = reads_->find_conversation(std::move(user_id), id);
    auto conversation = co_await std::move(read);
    if (!conversation) throw NotFoundError("conversation not found");
    co_return std::move(*conversation);
}

boost::asio::awaitable<Page<Conversation>> PipelinedReadService::list_conversations(
    std::string user_id, PageRequest page) {
    check_user_id(user_id);
    check_page(page.limit, page.offset, page.after.has_value());
    auto read = reads_->list_conversations(std::move(user_id), page);
    co_return co_await std::move(read);
}

boost::asio::awaitable<Page<Message>> PipelinedReadService::list_messages(std::string user_id,
                                                                          Uuid conversation_id,
                                                                          PageRequest page) {
    check_user_id(user_id);
    check_page(page.limit, page.offset, page.after.has_value());
    auto read = reads_->list_messages(std::move(user_id), conversation_id, page);
    auto messages = co_await std::move(read);
    if (!messages) throw NotFoundError("conversation not found");
    co_return std::move(*messages);
}

}  // namespace taskcore
