// The `serve` command as an object: its members are built in start-up order (and so torn down
// in reverse), run() serves until SIGINT/SIGTERM and then shuts down gracefully.
#pragma once

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <memory>

#include "api/api.hpp"
#include "api/metrics.hpp"
#include "app/maintenance.hpp"
#include "net/http_server.hpp"
#include "net/io_threads.hpp"
#include "net/metrics_listener.hpp"
#include "ops/config.hpp"
#include "taskcore/auth/jwt_verifier.hpp"
#include "taskcore/storage/change_listener.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::server {

class ServerLifecycle {
  public:
    // Opens and migrates the store and builds everything; nothing listens yet.
    explicit ServerLifecycle(const Config& config);

    // Listens, serves until a signal, shuts down; returns the exit code.
    int run();

  private:
    void attach_database_connections();
    void announce(const boost::asio::ip::tcp::endpoint& endpoint);
    void on_signal(int signal);
    // Event streams are not sessions: they get a moment to write the end of their body (they
    // were told to end first), then the I/O threads stop.
    void stop_when_streams_ended(std::chrono::steady_clock::time_point deadline);

    const Config& config_;
    std::unique_ptr<Store> store_;
    JwtVerifier verifier_;
    Metrics metrics_;
    // Before the API: the pipelines the API owns watch sockets of these contexts, so the
    // contexts must outlive them.
    IoThreads io_;
    boost::asio::thread_pool workers_;
    Api api_;
    std::shared_ptr<ChangeListener> listener_;
    HttpServer server_;
    MetricsListener metrics_listener_;
    Maintenance maintenance_;
    boost::asio::steady_timer streams_timer_;
    boost::asio::signal_set signals_;
};

}  // namespace taskcore::server
