// One io_context per I/O thread: a connection, its requests and the PostgreSQL pipeline that
// answers its reads all live on one thread, so a request never crosses threads.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace taskcore::server {

class IoThreads {
  public:
    explicit IoThreads(int count);

    // The first context: the listener, signals and shutdown timers run here.
    boost::asio::io_context& main() { return *contexts_.front(); }
    // The context for the next connection (round robin). Called from the listener only.
    boost::asio::io_context& next();
    [[nodiscard]] const std::vector<std::unique_ptr<boost::asio::io_context>>& contexts() const {
        return contexts_;
    }

    // Runs the first context on the calling thread and each other on a thread of its own;
    // returns when stop() has been called and every thread has finished.
    void run();
    // Lets every context run out of work and return. Thread-safe.
    void stop();

  private:
    using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<Guard> guards_;
    std::size_t next_ = 0;
};

}  // namespace taskcore::server
