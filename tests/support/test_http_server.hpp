// A tiny loopback HTTP server for tests (e.g. a JWKS endpoint): fixed body, switchable status,
// counts requests. One connection at a time, which is all a JWKS client needs.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace taskcore::testing {

class TestHttpServer {
  public:
    TestHttpServer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        thread_ = std::thread([this] { serve(); });
    }
    ~TestHttpServer() {
        stopping_ = true;
        boost::system::error_code ignored;
        boost::asio::ip::tcp::socket poke(io_);
        poke.connect(acceptor_.local_endpoint(), ignored);  // unblocks accept()
        thread_.join();
    }
    TestHttpServer(const TestHttpServer&) = delete;
    TestHttpServer& operator=(const TestHttpServer&) = delete;

    void respond(unsigned status, std::string body) {
        std::lock_guard lock(mutex_);
        status_ = status;
        body_ = std::move(body);
    }
    [[nodiscard]] int hits() const { return hits_; }
    [[nodiscard]] std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
    }

  private:
    void serve() {
        namespace http = boost::beast::http;
        while (!stopping_) {
            boost::asio::ip::tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stopping_) continue;
            boost::beast::flat_buffer buffer;
            http::request<http::string_body> req;
            http::read(socket, buffer, req, ec);
            if (ec) continue;
            ++hits_;
            http::response<http::string_body> res;
            {
                std::lock_guard lock(mutex_);
                res.result(status_);
                res.body() = body_;
            }
            res.set(http::field::content_type, "application/json");
            res.keep_alive(false);
            res.prepare_payload();
            http::write(socket, res, ec);
            socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
        }
    }

    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> hits_{0};
    std::mutex mutex_;
    unsigned status_ = 200;
    std::string body_ = R"({"keys":[]})";
};

}  // namespace taskcore::testing
