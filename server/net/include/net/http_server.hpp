// The Beast/Asio network layer: listener, the set of live sessions, graceful shutdown.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "api/api.hpp"
#include "api/metrics.hpp"
#include "net/io_threads.hpp"
#include "net/session_environment.hpp"
#include "ops/config.hpp"

namespace taskcore::server {

class HttpServer {
  public:
    HttpServer(const Config& config, const Api& api, Metrics& metrics, IoThreads& threads);

    // Binds and listens; returns the bound endpoint (PORT=0 picks a free port).
    boost::asio::ip::tcp::endpoint listen();
    void start_accepting();
    // Stops accepting, closes idle connections, lets in-flight requests finish (bounded by
    // `grace`), then calls `done` on the I/O context.
    void shutdown(std::chrono::milliseconds grace, std::function<void()> done);

    [[nodiscard]] bool stopping() const { return env_.stopping(); }
    // What its sessions read of it.
    [[nodiscard]] SessionEnvironment& environment() { return env_; }

  private:
    void accept();
    void on_accept_failure(const boost::system::error_code& ec);
    void poll_drained(std::chrono::steady_clock::time_point deadline, std::function<void()> done);

    SessionEnvironment env_;
    IoThreads& threads_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer drain_timer_;
    boost::asio::steady_timer accept_backoff_;
    std::chrono::steady_clock::time_point last_accept_warning_{};
    std::uint64_t accept_failures_unlogged_ = 0;
};

}  // namespace taskcore::server
