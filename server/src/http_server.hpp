// The Beast/Asio network layer: listener, the set of live sessions, graceful shutdown.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "api.hpp"
#include "config.hpp"
#include "metrics.hpp"

namespace taskcore::server {

class Session;

class HttpServer {
  public:
    HttpServer(const Config& config, const Api& api, Metrics& metrics, boost::asio::io_context& io);

    // Binds and listens; returns the bound endpoint (PORT=0 picks a free port).
    boost::asio::ip::tcp::endpoint listen();
    void start_accepting();
    // Stops accepting, closes idle connections, lets in-flight requests finish (bounded by
    // `grace`), then calls `done` on the I/O context.
    void shutdown(std::chrono::milliseconds grace, std::function<void()> done);

    [[nodiscard]] bool stopping() const { return stopping_.load(); }
    const Config& config() const { return config_; }
    const Api& api() const { return api_; }
    Metrics& metrics() { return metrics_; }

    void add_session(Session* session, std::weak_ptr<Session> handle);
    void remove_session(Session* session);

  private:
    void accept();
    void poll_drained(std::chrono::steady_clock::time_point deadline, std::function<void()> done);

    const Config& config_;
    const Api& api_;
    Metrics& metrics_;
    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer drain_timer_;
    std::atomic<bool> stopping_{false};
    std::mutex sessions_mutex_;
    std::map<Session*, std::weak_ptr<Session>> sessions_;
};

}  // namespace taskcore::server
