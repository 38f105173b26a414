// Sessions read and parse on the I/O threads, run database work on the worker pool, and write
// the response back on their own strand (design.md, "Concurrency and performance").
#include "http_server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>

#include "logger.hpp"

namespace taskcore::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, HttpServer& server) : stream_(std::move(socket)), server_(server) {}
    ~Session() { server_.remove_session(this); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start() {
        server_.add_session(this, weak_from_this());
        asio::dispatch(stream_.get_executor(),
                       [self = shared_from_this()] { self->read_header(); });
    }

    // Called at shutdown: a connection waiting for its next request is closed now; one with a
    // request in progress closes after writing the response.
    void close_if_idle() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            if (self->waiting_) self->close();
        });
    }

  private:
    void read_header() {
        if (server_.stopping()) return close();
        parser_.emplace();
        parser_->header_limit(8 * 1024);
        parser_->body_limit(server_.config().max_body_bytes);
        waiting_ = true;
        stream_.expires_after(server_.config().idle_timeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    self->on_header(ec);
                                });
    }

    void on_header(beast::error_code ec) {
        waiting_ = false;
        if (ec) return on_read_error(ec);
        start_request();
        const auto length = parser_->content_length();
        if (length && *length > server_.config().max_body_bytes) {
            return reject(http::status::payload_too_large, "PAYLOAD_TOO_LARGE",
                          "request body exceeds MAX_BODY_BYTES (" +
                              std::to_string(server_.config().max_body_bytes) + " bytes)");
        }
        // The whole body must arrive within one idle-timeout window too (slow-client bound).
        stream_.expires_after(server_.config().idle_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_body(e); });
    }

    void on_read_error(beast::error_code ec) {
        if (ec == http::error::header_limit) {
            return reject(http::status::request_header_fields_too_large,
                          "REQUEST_HEADER_FIELDS_TOO_LARGE", "request header block exceeds 8 KiB");
        }
        if (ec == http::error::body_limit) {
            return reject(http::status::payload_too_large, "PAYLOAD_TOO_LARGE",
                          "request body exceeds MAX_BODY_BYTES (" +
                              std::to_string(server_.config().max_body_bytes) + " bytes)");
        }
        if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::eof || ec == asio::error::connection_reset ||
            ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) {
            return close();
        }
        // Anything else is a request that is not HTTP/1.1 as Beast understands it.
        reject(http::status::bad_request, "BAD_REQUEST", "malformed HTTP request");
    }

    void on_body(beast::error_code ec) {
        if (ec) return on_read_error(ec);
        request_ = parser_->release();
        method_ = std::string(request_->method_string());
        verb_ = request_->method();
        const std::string_view target = request_->target();
        path_ = std::string(target.substr(0, target.find('?')));
        const auto kind = server_.api().classify(*request_);
        route_ = kind.route;
        if (!kind.needs_database) return write(server_.api().handle(*request_));
        // Blocking database work happens on the worker pool, never on an I/O thread.
        asio::post(server_.workers(), [self = shared_from_this()] {
            auto response = self->server_.api().handle(*self->request_);
            asio::post(self->stream_.get_executor(),
                       [self, r = std::move(response)]() mutable { self->write(std::move(r)); });
        });
    }

    void reject(http::status status, std::string_view code, const std::string& message) {
        method_ = std::string(parser_->get().method_string());
        verb_ = parser_->get().method();
        const std::string_view target = parser_->get().target();
        path_ = std::string(target.substr(0, target.find('?')));
        if (!counted_) start_request();
        error_code_ = code;
        write(server_.api().reject(parser_->get(), status, code, message));
    }

    void start_request() {
        started_ = std::chrono::steady_clock::now();
        counted_ = true;
        route_ = Api::routes().size();
        error_code_ = {};
        server_.metrics().request_started();
    }

    void write(Response response) {
        if (server_.stopping()) response.keep_alive(false);
        response_ = std::move(response);
        stream_.expires_after(std::chrono::seconds{30});
        http::async_write(
            stream_, *response_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        const bool keep_alive = response_->keep_alive();
        log_access();
        const auto status = response_->result_int();
        server_.metrics().request_finished(
            route_, verb_, status,
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  started_),
            error_code_.empty() ? Metrics::error_code_for(status) : error_code_);
        counted_ = false;
        response_.reset();
        request_.reset();
        started_ = {};
        if (ec) return close();
        if (!keep_alive) return linger_close();
        read_header();
    }

    void log_access() {
        if (!log::enabled(LogLevel::info)) return;
        const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - started_)
                                .count();
        const auto id = response_->find("X-Request-ID");
        log::info(method_ + " " + path_ + " " + std::to_string(response_->result_int()) + " " +
                  std::to_string(micros) + "us " +
                  (id == response_->end() ? std::string("-") : std::string(id->value())));
    }

    // After an error response the client may still be sending a body we will not read; closing
    // at once could reset the connection before it reads our answer. Half-close, then drain for
    // a moment.
    void linger_close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(std::chrono::seconds{2});
        drain();
    }

    void drain() {
        stream_.async_read_some(asio::buffer(discard_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->drained_ += n;
                                    if (ec || self->drained_ > 1024 * 1024) return self->close();
                                    self->drain();
                                });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.socket().close(ignored);
    }

    beast::tcp_stream stream_;
    HttpServer& server_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<Request> request_;
    std::optional<Response> response_;
    std::string method_;
    std::string path_;
    std::chrono::steady_clock::time_point started_{};
    bool counted_ = false;  // request_started() called for the request in progress
    std::size_t route_ = 0;
    http::verb verb_ = http::verb::unknown;
    std::string_view error_code_;  // set for errors the session itself answers
    bool waiting_ = false;
    std::array<char, 8192> discard_{};
    std::size_t drained_ = 0;
};

HttpServer::HttpServer(const Config& config, const Api& api, Metrics& metrics, asio::io_context& io,
                       asio::thread_pool& workers)
    : config_(config),
      api_(api),
      metrics_(metrics),
      io_(io),
      workers_(workers),
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
