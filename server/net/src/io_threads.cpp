// The I/O threads: one single-threaded io_context each, kept alive until stop().
#include "net/io_threads.hpp"

#include <thread>

namespace taskcore::server {

IoThreads::IoThreads(int count) {
    for (int i = 0; i < (count < 1 ? 1 : count); ++i) {
        // Concurrency hint 1: each context is run by exactly one thread, so Asio skips locking.
        contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
        guards_.emplace_back(contexts_.back()->get_executor());
    }
}

boost::asio::io_context& IoThreads::next() {
    auto& context = *contexts_[next_];
    next_ = (next_ + 1) % contexts_.size();
    return context;
}

void IoThreads::run() {
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < contexts_.size(); ++i)
        threads.emplace_back([context = contexts_[i].get()] { context->run(); });
    contexts_.front()->run();
    for (auto& t : threads) t.join();
}

void IoThreads::stop() {
    for (auto& context : contexts_) context->stop();
}

}  // namespace taskcore::server
