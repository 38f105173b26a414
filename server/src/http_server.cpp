// The listener: accepts connections (a strand and a Session each), tracks them for shutdown.
#include "http_server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>

#include "logger.hpp"
#include "session.hpp"

namespace taskcore::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

HttpServer::HttpServer(const Config& config, const Api& api, Metrics& metrics, asio::io_context& io)
    : config_(config),
      api_(api),
      metrics_(metrics),
      io_(io),
      acceptor_(asio::make_strand(io)),
      drain_timer_(io) {}

tcp::endpoint HttpServer::listen() {
    const auto host = config_.host == "localhost" ? std::string("127.0.0.1") : config_.host;
    beast::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error("HOST: '" + config_.host + "' is not an IP address");
    const tcp::endpoint endpoint{address, config_.port};
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint, ec);
    if (ec) {
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(config_.port) +
                                 ": " + ec.message());
    }
    acceptor_.listen(asio::socket_base::max_listen_connections);
    return acceptor_.local_endpoint();
}

void HttpServer::start_accepting() {
    accept();
}

void HttpServer::accept() {
    // Each connection gets its own strand, so its handlers never run concurrently.
    acceptor_.async_accept(asio::make_strand(io_),
                           [this](beast::error_code ec, tcp::socket socket) {
                               if (ec) {
                                   if (ec == asio::error::operation_aborted || stopping_) return;
                                   log::warning("accept failed: " + ec.message());
                               } else {
                                   socket.set_option(tcp::no_delay(true), ec);
                                   std::make_shared<Session>(std::move(socket), *this)->start();
                               }
                               if (!stopping_) accept();
                           });
}

void HttpServer::add_session(Session* session, std::weak_ptr<Session> handle) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.emplace(session, std::move(handle));
}

void HttpServer::remove_session(Session* session) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.erase(session);
}

void HttpServer::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
    stopping_ = true;
    asio::dispatch(acceptor_.get_executor(), [this] {
        beast::error_code ignored;
        acceptor_.close(ignored);
    });
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(sessions_mutex_);
        for (auto& [ptr, weak] : sessions_) {
            if (auto s = weak.lock()) live.push_back(std::move(s));
        }
    }
    for (auto& s : live) s->close_if_idle();
    poll_drained(std::chrono::steady_clock::now() + grace, std::move(done));
}

void HttpServer::poll_drained(std::chrono::steady_clock::time_point deadline,
                              std::function<void()> done) {
    bool empty = false;
    {
        std::lock_guard lock(sessions_mutex_);
        empty = sessions_.empty();
    }
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
