// Runs the real taskcore-server binary on a free loopback port, and a small HTTP client for it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace taskcore::testing {

namespace http = boost::beast::http;
using HttpResponse = http::response<http::string_body>;

class ServerProcess {
  public:
    // Starts `taskcore-server serve` in a fresh temp directory with PORT=0, HOST=127.0.0.1,
    // DATABASE_URL from TASKCORE_TEST_DATABASE_URL (a temp SQLite file for "sqlite-temp-file")
    // plus `env`, and waits until it logs the port it listens on.
    explicit ServerProcess(std::map<std::string, std::string> env = {},
                           std::optional<std::string> database_url = std::nullopt);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    [[nodiscard]] unsigned short port() const { return port_; }
    [[nodiscard]] int pid() const { return pid_; }
    [[nodiscard]] const std::string& database_url() const { return database_url_; }
    // Sends `signal` and waits (bounded) for the exit; returns the exit status, or -1 on timeout.
    int stop(int signal, std::chrono::seconds wait = std::chrono::seconds{20});
    [[nodiscard]] std::string log() const;

  private:
    std::filesystem::path dir_;
    std::string database_url_;
    int pid_ = -1;
    unsigned short port_ = 0;
};

// The resident set of process `pid` in kB (VmRSS), or -1 when it cannot be read.
long resident_kb(int pid);

// An HS256 token for `user` signed with `secret`, valid for ten minutes.
std::string test_token(const std::string& user, const std::string& secret);

// One keep-alive connection speaking raw HTTP/1.1, with a timeout on every operation.
class HttpClient {
  public:
    explicit HttpClient(unsigned short port,
                        std::chrono::milliseconds timeout = std::chrono::seconds{10});
    void send_raw(const std::string& bytes);
    HttpResponse read_response();
    HttpResponse request(http::verb method, const std::string& target,
                         const std::string& token = "", const std::string& body = "");
    using Headers = std::vector<std::pair<std::string, std::string>>;
    // With extra request headers (If-Match, Idempotency-Key, ...).
    HttpResponse request(http::verb method, const std::string& target, const std::string& token,
                         const std::string& body, const Headers& headers);
    // Every byte received until the server closes the connection, `until` has arrived, or
    // `within` passes (raw protocol checks: interim responses, HEAD, framing). A timeout closes
    // the connection (Beast's stream deadline), so wait with `until` to keep using it.
    std::string read_raw(std::chrono::milliseconds within, const std::string& until = "");
    // True when the server closes the connection within `within` (reads hit EOF/reset).
    bool closed_by_peer(std::chrono::milliseconds within);

  private:
    boost::asio::io_context io_;
    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::chrono::milliseconds timeout_;
};

}  // namespace taskcore::testing
