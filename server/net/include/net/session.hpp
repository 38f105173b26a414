// One HTTP/1.1 connection: read a request, run the API coroutine on the connection's I/O thread,
// write the response, repeat (keep-alive and pipelining in order).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "api/api.hpp"

namespace taskcore::server {

class SessionRegistry;
struct SessionEnvironment;

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(boost::asio::ip::tcp::socket socket, SessionEnvironment& env);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start();
    // Called at shutdown: a connection waiting for its next request is closed now; one with a
    // request in progress closes after writing the response.
    void close_if_idle();

  private:
    void read_header();
    void on_header(boost::beast::error_code ec);
    void read_body();
    [[nodiscard]] std::optional<std::string> framing_problem() const;
    void on_read_error(boost::beast::error_code ec);
    void on_body(boost::beast::error_code ec);
    void reject(ErrorCode code, const std::string& message);
    void start_request();
    void write(Reply reply);
    void open_stream(Reply reply);
    void finish_request();
    void on_write(boost::beast::error_code ec);
    void log_access();
    void linger_close();
    void drain();
    void close();

    boost::beast::tcp_stream stream_;
    SessionEnvironment& env_;
    std::shared_ptr<SessionRegistry> registry_;  // outlives the server if it must (see ~Session)
    std::optional<http::response<http::empty_body>> continue_;  // "100 Continue" being written
    boost::beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<Request> request_;
    std::optional<Response> response_;
    std::vector<mcp::ToolCallRecord> tool_calls_;  // of the request being answered
    std::string peer_address_;                     // the client's IP, read at its first request
    std::string method_;
    std::string path_;
    std::string user_;  // the authenticated user of the request being answered (its log line)
    std::chrono::steady_clock::time_point started_{};
    bool counted_ = false;  // request_started() called for the request in progress
    std::size_t route_ = 0;
    http::verb verb_ = http::verb::unknown;
    std::optional<ErrorCode> error_;
    bool waiting_ = false;
    std::array<char, 8192> discard_{};
    std::size_t drained_ = 0;
};

}  // namespace taskcore::server
