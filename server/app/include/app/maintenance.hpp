// The server's housekeeping: expired Idempotency-Key records, change-log entries older than
// CHANGES_RETENTION_HOURS and used event tickets are deleted a minute after start and then
// hourly, on the blocking pool, never on a request's path.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>

#include "ops/config.hpp"
#include "taskcore/service/idempotent_writes.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::server {

class Maintenance {
  public:
    Maintenance(const Config& config, Store& store, boost::asio::io_context& io,
                boost::asio::thread_pool& workers);

    void start();
    void stop();

  private:
    void schedule(std::chrono::seconds after);
    // Every instance may run it; deleting is idempotent. A failure is logged and retried at
    // the next round.
    void prune();

    const Config& config_;
    Store& store_;
    boost::asio::thread_pool& workers_;
    IdempotentWrites keyed_writes_;
    boost::asio::steady_timer timer_;
};

}  // namespace taskcore::server
