// A connection's read -> handle -> write loop. The API coroutine runs on the connection's I/O
// thread and awaits database work, so an I/O thread never blocks.
#include "net/session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>

#include "events/event_stream.hpp"
#include "http/response_headers.hpp"
#include "mcp/mcp_tools.hpp"
#include "net/session_environment.hpp"
#include "net/session_registry.hpp"
#include "ops/logger.hpp"

namespace taskcore::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

Session::Session(tcp::socket socket, SessionEnvironment& env)
    : stream_(std::move(socket)), env_(env), registry_(env.sessions) {}

// Only the registry is touched here: this may run while the io_context is destroyed, after the
// server itself is gone.
Session::~Session() {
    registry_->remove(this);
}

void Session::start() {
    registry_->add(this, weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
}

void Session::close_if_idle() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        if (self->waiting_) self->close();
    });
}

void Session::read_header() {
    if (env_.stopping()) return close();
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(env_.config.max_body_bytes);
    waiting_ = true;
    stream_.expires_after(env_.config.idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void Session::on_header(beast::error_code ec) {
    waiting_ = false;
    // Closed at shutdown while the header was already buffered: this request is not executed.
    if (!stream_.socket().is_open()) return;
    if (ec) return on_read_error(ec);
    start_request();
    if (const auto problem = framing_problem()) return reject(ErrorCode::bad_request, *problem);
    const auto length = parser_->content_length();
    if (length && *length > env_.config.max_body_bytes) {
        return reject(ErrorCode::payload_too_large, "request body exceeds MAX_BODY_BYTES (" +
                                                        std::to_string(env_.config.max_body_bytes) +
                                                        " bytes)");
    }
    const auto expect = header_value(parser_->get(), http::field::expect);
    const bool has_body = parser_->chunked() || (length && *length > 0);
    if (has_body && beast::iequals(expect, "100-continue")) {
        // The client waits for this before sending the body (RFC 9110 §10.1.1).
        continue_.emplace(http::status::continue_, 11);
        return http::async_write(stream_, *continue_,
                                 [self = shared_from_this()](beast::error_code e, std::size_t) {
                                     self->continue_.reset();
                                     if (e) return self->close();
                                     self->read_body();
                                 });
    }
    read_body();
}

// RFC 9112 §3.2 and §6.3: exactly one Host; a Transfer-Encoding must end in chunked and never
// comes with Content-Length. Anything else could be framed differently by a proxy in front.
std::optional<std::string> Session::framing_problem() const {
    const auto& header = parser_->get();
    const auto hosts = header.count(http::field::host);
    if (hosts > 1 || (hosts == 0 && header.version() >= 11)) {
        return "a request needs exactly one Host header";
    }
    if (header.find(http::field::transfer_encoding) != header.end()) {
        if (!parser_->chunked()) return "Transfer-Encoding must end with chunked";
        if (header.find(http::field::content_length) != header.end()) {
            return "Transfer-Encoding and Content-Length together";
        }
    }
    return std::nullopt;
}

void Session::read_body() {
    // The whole body must arrive within one idle-timeout window too (slow-client bound).
    stream_.expires_after(env_.config.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_body(e); });
}

void Session::on_read_error(beast::error_code ec) {
    if (ec == http::error::header_limit) {
        return reject(ErrorCode::request_header_fields_too_large,
                      "request header block exceeds 8 KiB");
    }
    if (ec == http::error::body_limit) {
        return reject(ErrorCode::payload_too_large, "request body exceeds MAX_BODY_BYTES (" +
                                                        std::to_string(env_.config.max_body_bytes) +
                                                        " bytes)");
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
        ec == asio::error::bad_descriptor) {
        return close();
    }
    // Anything else is a request that is not HTTP/1.1 as Beast understands it.
    reject(ErrorCode::bad_request, "malformed HTTP request");
}

void Session::on_body(beast::error_code ec) {
    if (!stream_.socket().is_open()) return;  // closed at shutdown: not executed
    if (ec) return on_read_error(ec);
    request_ = parser_->release();
    method_ = std::string(request_->method_string());
    verb_ = request_->method();
    const std::string_view target = request_->target();
    path_ = std::string(target.substr(0, target.find('?')));
    // The API coroutine runs on this connection's I/O thread; `self` keeps the request alive.
    if (peer_address_.empty()) {  // once per connection: getpeername is a syscall
        beast::error_code failed;
        const auto peer = stream_.socket().remote_endpoint(failed);
        if (!failed) peer_address_ = peer.address().to_string();
    }
    asio::co_spawn(stream_.get_executor(), env_.api.handle(*request_, peer_address_),
                   [self = shared_from_this()](const std::exception_ptr& failed, Reply reply) {
                       if (failed) {  // handle() catches everything; this is a last resort
                           reply = self->env_.api.reject(*self->request_, ErrorCode::internal_error,
                                                         "internal error");
                       }
                       self->write(std::move(reply));
                   });
}

void Session::reject(ErrorCode code, const std::string& message) {
    method_ = std::string(parser_->get().method_string());
    verb_ = parser_->get().method();
    const std::string_view target = parser_->get().target();
    path_ = std::string(target.substr(0, target.find('?')));
    if (!counted_) start_request();
    write(env_.api.reject(parser_->get(), code, message));
}

void Session::start_request() {
    started_ = std::chrono::steady_clock::now();
    counted_ = true;
    error_.reset();
    env_.metrics.request_started();
}

void Session::write(Reply reply) {
    if (reply.stream) return open_stream(std::move(reply));
    if (env_.stopping()) reply.response.keep_alive(false);
    route_ = reply.route;
    error_ = reply.error;
    tool_calls_ = std::move(reply.tool_calls);
    user_ = std::move(reply.user);
    response_ = std::move(reply.response);
    stream_.expires_after(std::chrono::seconds{30});
    http::async_write(
        stream_, *response_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
}

void Session::on_write(beast::error_code ec) {
    const bool keep_alive = response_->keep_alive();
    finish_request();
    if (ec) return close();
    if (!keep_alive) return linger_close();
    read_header();
}

// The connection becomes an event stream: this request is logged and counted as answered (200)
// now, and the socket goes to the stream, which outlives this session.
void Session::open_stream(Reply reply) {
    route_ = reply.route;
    error_ = reply.error;
    user_ = std::move(reply.user);
    reply.response.keep_alive(false);
    response_ = reply.response;  // a header only: its log line and metrics
    finish_request();
    auto& api = env_.api;
    std::make_shared<EventStream>(std::move(stream_), std::move(reply.response),
                                  std::move(*reply.stream), api.services(), api.events(),
                                  env_.config.events_heartbeat)
        ->start();
}

// The request is answered: its access-log line and metrics, then its state is cleared.
void Session::finish_request() {
    log_access();
    env_.metrics.request_finished(route_, verb_, response_->result_int(),
                                  std::chrono::duration_cast<std::chrono::microseconds>(
                                      std::chrono::steady_clock::now() - started_),
                                  error_);
    for (const auto& call : tool_calls_) env_.metrics.tool_called(call);
    tool_calls_.clear();
    user_.clear();
    counted_ = false;
    response_.reset();
    request_.reset();
    started_ = {};
}

void Session::log_access() {
    if (!log::enabled(LogLevel::info)) return;
    log::AccessRecord record;
    record.method = method_;
    record.path = path_;
    const auto& templates = env_.route_templates;
    record.route = templates[std::min(route_, templates.size() - 1)];
    record.status = response_->result_int();
    record.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - started_)
                             .count();
    const auto id = response_->find("X-Request-ID");
    if (id != response_->end()) record.request_id = id->value();
    record.user_hash = env_.user_hash(user_);
    for (const auto& call : tool_calls_) {  // MCP: which tools ran, never their arguments
        const auto& tools = mcp::tool_table();
        record.tools.push_back(
            (call.tool < tools.size() ? std::string(tools[call.tool].name) : "unknown") + ":" +
            std::string(mcp::kToolOutcomes[static_cast<std::size_t>(call.outcome)]));
    }
    log::access(record);
}

// After an error response the client may still be sending a body we will not read; closing at
// once could reset the connection before it reads our answer. Half-close, then drain a moment.
void Session::linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds{2});
    drain();
}

void Session::drain() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->drained_ += n;
                                if (ec || self->drained_ > std::size_t{1024} * 1024)
                                    return self->close();
                                self->drain();
                            });
}

void Session::close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
}

}  // namespace taskcore::server
