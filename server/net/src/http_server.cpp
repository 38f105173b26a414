// The listener: accepts connections (a Session each, on the next I/O thread), tracks them for
// shutdown.
#include "net/http_server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>

#include "net/listen_socket.hpp"
#include "net/session.hpp"
#include "ops/logger.hpp"

namespace taskcore::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

HttpServer::HttpServer(const Config& config, const Api& api, Metrics& metrics, IoThreads& threads)
    : env_(config, api, metrics),
      threads_(threads),
      acceptor_(threads.main()),
      drain_timer_(threads.main()),
      accept_backoff_(threads.main()) {}

tcp::endpoint HttpServer::listen() {
    return listen_on(acceptor_, env_.config.host, env_.config.port, "HOST", "PORT");
}

void HttpServer::start_accepting() {
    accept();
}

void HttpServer::accept() {
    // Each connection lives on one single-threaded io_context, so its handlers never run
    // concurrently, and its reads use that thread's PostgreSQL pipeline.
    acceptor_.async_accept(threads_.next(), [this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || env_.stopping()) return;
        if (ec) return on_accept_failure(ec);
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), env_)->start();
        accept();
    });
}

// Out of file descriptors (or another accept failure): retrying at once would spin a core and
// flood the log. Wait a moment, warn at most once a second, count every failure.
void HttpServer::on_accept_failure(const boost::system::error_code& ec) {
    constexpr auto kBackoff = std::chrono::milliseconds{50};
    constexpr auto kWarnEvery = std::chrono::seconds{1};
    env_.metrics.accept_failed();
    ++accept_failures_unlogged_;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_accept_warning_ >= kWarnEvery) {
        log::warning("accept failed: " + ec.message() + " (" +
                     std::to_string(accept_failures_unlogged_) +
                     " failures since the last warning); retrying in 50 ms");
        last_accept_warning_ = now;
        accept_failures_unlogged_ = 0;
    }
    accept_backoff_.expires_after(kBackoff);
    accept_backoff_.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && !env_.stopping()) accept();
    });
}

void HttpServer::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
    env_.stopping_flag = true;
    asio::dispatch(acceptor_.get_executor(), [this] {
        beast::error_code ignored;
        acceptor_.close(ignored);
    });
    for (auto& s : env_.sessions->live()) s->close_if_idle();
    poll_drained(std::chrono::steady_clock::now() + grace, std::move(done));
}

void HttpServer::poll_drained(std::chrono::steady_clock::time_point deadline,
                              std::function<void()> done) {
    const bool empty = env_.sessions->empty();
    if (empty || std::chrono::steady_clock::now() >= deadline) {
        if (!empty) log::warning("shutdown grace period over; closing remaining connections");
        return done();
    }
    drain_timer_.expires_after(std::chrono::milliseconds{20});
    drain_timer_.async_wait([this, deadline, done = std::move(done)](beast::error_code) mutable {
        poll_drained(deadline, std::move(done));
    });
}

}  // namespace taskcore::server
