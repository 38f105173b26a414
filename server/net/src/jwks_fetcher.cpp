// JWKS fetching: a small Beast HTTP(S) client and the refresh policy of docs/api.md §5.
#include "net/jwks_fetcher.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "ops/logger.hpp"

namespace taskcore::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

struct Url {
    bool tls = false;
    std::string host;
    std::string port;
    std::string target;
};

Url parse_url(const std::string& url) {
    Url u;
    std::string rest;
    if (url.starts_with("https://")) {
        u.tls = true;
        rest = url.substr(8);
    } else if (url.starts_with("http://")) {
        rest = url.substr(7);
    } else {
        throw std::runtime_error("JWKS URL must start with http:// or https://");
    }
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    u.target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']') == std::string::npos) {
        u.host = authority.substr(0, colon);
        u.port = authority.substr(colon + 1);
    } else {
        u.host = authority;
        u.port = u.tls ? "443" : "80";
    }
    if (u.host.empty()) throw std::runtime_error("JWKS URL has no host");
    return u;
}

// Runs the io_context until the operation sets `done`, or throws on error.
template <typename Stream>
std::string exchange(asio::io_context& io, Stream& stream, const Url& u, std::size_t max_bytes) {
    http::request<http::empty_body> req{http::verb::get, u.target, 11};
    req.set(http::field::host, u.host);
    req.set(http::field::user_agent, "taskcore-server");
    req.set(http::field::accept, "application/json");
    beast::error_code ec;
    http::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
    io.run();
    io.restart();
    if (ec) throw std::runtime_error("sending the request failed: " + ec.message());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_bytes);
    http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    io.run();
    io.restart();
    if (ec) throw std::runtime_error("reading the response failed: " + ec.message());
    if (parser.get().result() != http::status::ok) {
        throw std::runtime_error("HTTP status " + std::to_string(parser.get().result_int()));
    }
    return parser.release().body();
}

}  // namespace

std::string http_get(const std::string& url, std::chrono::milliseconds timeout,
                     std::size_t max_bytes) {
    const auto u = parse_url(url);
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::error_code ec;
    const auto endpoints = resolver.resolve(u.host, u.port, ec);
    if (ec) throw std::runtime_error("cannot resolve " + u.host + ": " + ec.message());

    auto connect = [&](beast::tcp_stream& tcp) {
        tcp.expires_after(timeout);  // one deadline for the whole exchange
        tcp.async_connect(endpoints, [&](beast::error_code e, const auto&) { ec = e; });
        io.run();
        io.restart();
        if (ec) throw std::runtime_error("cannot connect to " + u.host + ": " + ec.message());
    };
    if (!u.tls) {
        beast::tcp_stream stream(io);
        connect(stream);
        return exchange(io, stream, u, max_bytes);
    }
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    stream.set_verify_callback(asio::ssl::host_name_verification(u.host));
    // SNI; SSL_set_tlsext_host_name is a macro with a C-style cast, so call what it expands to.
    if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(u.host.c_str())) != 1) {
        throw std::runtime_error("cannot set TLS server name");
    }
    connect(beast::get_lowest_layer(stream));
    stream.async_handshake(asio::ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    io.run();
    io.restart();
    if (ec) throw std::runtime_error("TLS handshake with " + u.host + " failed: " + ec.message());
    return exchange(io, stream, u, max_bytes);
}

JwksFetcher::JwksFetcher(std::string url, JwksFetcherOptions options)
    : url_(std::move(url)), options_(options) {
    parse_url(url_);  // fail at start-up on a malformed URL
    thread_ = std::thread([this] { run(); });
}

JwksFetcher::~JwksFetcher() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    finished_.notify_all();
    thread_.join();
}

std::shared_ptr<const JwkSet> JwksFetcher::keys() {
    std::lock_guard lock(mutex_);
    return keys_;
}

std::shared_ptr<const JwkSet> JwksFetcher::refresh_for_unknown_kid() {
    std::unique_lock lock(mutex_);
    // Rate-limited separately from scheduled refreshes, so the first unknown kid after a
    // rotation is looked up at once, however recently the cache was filled.
    const auto now = Clock::now();
    if (!fetching_ && !requested_ &&
        (last_unknown_kid_refetch_ == Clock::time_point{} ||
         now - last_unknown_kid_refetch_ >= options_.unknown_kid_interval)) {
        last_unknown_kid_refetch_ = now;
        requested_ = true;
        wake_.notify_one();
    }
    if (fetching_ || requested_) {
        const int seen = attempts_;
        finished_.wait_for(lock, options_.timeout + std::chrono::seconds{1},
                           [&] { return attempts_ != seen || stopping_; });
    }
    return keys_;
}

bool JwksFetcher::wait_for_first_attempt(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return finished_.wait_for(lock, timeout, [&] { return attempts_ > 0; });
}

void JwksFetcher::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait_until(lock, requested_ ? Clock::now() : next_scheduled_, [&] {
            return stopping_ || requested_ || Clock::now() >= next_scheduled_;
        });
        if (stopping_) break;
        requested_ = false;
        fetching_ = true;
        lock.unlock();

        std::shared_ptr<const JwkSet> fetched;
        try {
            auto set = JwkSet::parse(http_get(url_, options_.timeout, options_.max_bytes));
            for (const auto& why : set.skipped()) log::warning("JWKS key skipped: " + why);
            if (set.size() == 0) throw std::runtime_error("the JWKS lists no usable key");
            fetched = std::make_shared<const JwkSet>(std::move(set));
        } catch (const std::exception& e) {
            log::warning("JWKS fetch from " + url_ + " failed (keeping " +
                         std::to_string(keys()->size()) + " cached keys): " + e.what());
        }

        lock.lock();
        fetching_ = false;
        ++attempts_;
        if (fetched) {
            log::info("JWKS loaded from " + url_ + ": " + std::to_string(fetched->size()) +
                      " keys");
            keys_ = std::move(fetched);
            next_scheduled_ = Clock::now() + options_.cache_ttl;
        } else {
            // Without keys nothing verifies, so retry soon; with cached keys there is no hurry.
            const auto later = std::max(options_.retry_after_failure,
                                        std::min(options_.cache_ttl, std::chrono::seconds{30}));
            next_scheduled_ =
                Clock::now() + (keys_->size() == 0 ? options_.retry_after_failure : later);
        }
        finished_.notify_all();
    }
}

}  // namespace taskcore::server
