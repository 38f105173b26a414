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
#include <vector>

#include "api.hpp"
#include "config.hpp"
#include "io_threads.hpp"
#include "metrics.hpp"
#include "user_hash.hpp"

namespace taskcore::server {

class Session;

// The live sessions, for shutdown. Shared with every Session so that a session destroyed after
// the server (pending handlers released when the io_context goes away) still finds it.
class SessionRegistry {
  public:
    void add(Session* session, std::weak_ptr<Session> handle);
    void remove(Session* session);
    [[nodiscard]] std::vector<std::shared_ptr<Session>> live();
    [[nodiscard]] bool empty();

  private:
    std::mutex mutex_;
    std::map<Session*, std::weak_ptr<Session>> sessions_;
};

class HttpServer {
  public:
    HttpServer(const Config& config, const Api& api, Metrics& metrics, IoThreads& threads);

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
    [[nodiscard]] const UserHasher& user_hash() const { return user_hash_; }
    // The route templates in table order, then "unmatched" (access logs name routes by them).
    [[nodiscard]] const std::vector<std::string>& route_templates() const { return templates_; }

    [[nodiscard]] const std::shared_ptr<SessionRegistry>& sessions() const { return sessions_; }

  private:
    void accept();
    void on_accept_failure(const boost::system::error_code& ec);
    void poll_drained(std::chrono::steady_clock::time_point deadline, std::function<void()> done);

    const Config& config_;
    const Api& api_;
    Metrics& metrics_;
    IoThreads& threads_;
    UserHasher user_hash_;
    std::vector<std::string> templates_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer drain_timer_;
    boost::asio::steady_timer accept_backoff_;
    std::chrono::steady_clock::time_point last_accept_warning_{};
    std::uint64_t accept_failures_unlogged_ = 0;
    std::atomic<bool> stopping_{false};
    std::shared_ptr<SessionRegistry> sessions_ = std::make_shared<SessionRegistry>();
};

}  // namespace taskcore::server
