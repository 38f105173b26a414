// The metrics-only listener: one small coroutine per scrape connection, bounded in time and size.
#include "net/metrics_listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/metrics.hpp"
#include "net/listen_socket.hpp"

namespace taskcore::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::chrono::seconds kScrapeTimeout{10};
constexpr std::size_t kMaxRequestBytes = 8192;  // a scrape has no body

asio::awaitable<void> serve_scrapes(tcp::socket socket,
                                    const std::function<std::string()>& render) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::empty_body> parser;
        parser.header_limit(kMaxRequestBytes);
        stream.expires_after(kScrapeTimeout);
        auto [ec, n] =
            co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        const auto& req = parser.get();
        http::response<http::string_body> res;
        res.version(11);
        res.keep_alive(req.keep_alive());
        const auto target = std::string_view(req.target()).substr(0, req.target().find('?'));
        if (target != "/metrics") {
            res.result(http::status::not_found);
            res.set(http::field::content_type, "text/plain; charset=utf-8");
            res.body() = "only /metrics is served here\n";
        } else if (req.method() != http::verb::get && req.method() != http::verb::head) {
            res.result(http::status::method_not_allowed);
            res.set(http::field::allow, "GET, HEAD");
        } else {
            res.result(http::status::ok);
            res.set(http::field::content_type, kMetricsContentType);
            res.set(http::field::cache_control, "no-store");
            res.body() = render();
        }
        res.prepare_payload();
        if (req.method() == http::verb::head) res.body().clear();
        stream.expires_after(kScrapeTimeout);
        auto [write_ec, written] =
            co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
        if (write_ec || !res.keep_alive()) co_return;
    }
}

}  // namespace

MetricsListener::MetricsListener(asio::io_context& io, std::function<std::string()> render)
    : io_(io), render_(std::move(render)), acceptor_(io) {}

tcp::endpoint MetricsListener::start(const std::string& host, unsigned short port) {
    auto endpoint = listen_on(acceptor_, host, port, "METRICS_HOST", "METRICS_PORT");
    asio::co_spawn(
        io_,
        [this]() -> asio::awaitable<void> {
            for (;;) {
                auto [accept_ec, socket] =
                    co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
                if (accept_ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
                if (accept_ec) continue;
                asio::co_spawn(io_, serve_scrapes(std::move(socket), render_), asio::detached);
            }
        },
        asio::detached);
    return endpoint;
}

void MetricsListener::stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
}

}  // namespace taskcore::server
