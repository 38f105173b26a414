// Raw HTTP request bytes -> Beast's parser (the server's limits) -> the whole API on a real
// in-memory SQLite store. Invariants: no crash, never a 500, every body valid UTF-8, no body on
// HEAD, every API answer is JSON.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <cstdlib>

#include "api/api.hpp"
#include "taskcore/domain/text.hpp"

namespace {

using namespace taskcore;
using namespace taskcore::server;

// The seed corpus carries HS256 tokens signed with this secret.
constexpr const char* kSecret = "fuzz-secret-of-at-least-thirty-two-bytes!!";

struct World {
    Config config = [] {
        Config c;
        c.better_auth_secret = kSecret;
        return c;
    }();
    std::unique_ptr<Store> store = [] {
        auto s = open_store("sqlite::memory:");
        s->migrate();
        return s;
    }();
    JwtVerifier verifier{kSecret, {}};
    boost::asio::thread_pool workers{1};
    Api api{config, *store, verifier, workers.get_executor()};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static World world;
    http::request_parser<http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(data, size), ec);
    if (!ec && !parser.is_done()) parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
    const auto request = parser.release();

    boost::asio::io_context io;
    auto pending = boost::asio::co_spawn(io, world.api.handle(request), boost::asio::use_future);
    io.run();
    const auto reply = pending.get();
    const auto& res = reply.response;
    if (res.result_int() >= 500 && res.result_int() != 503) std::abort();
    if (!is_valid_utf8(res.body())) std::abort();
    if (request.method() == http::verb::head && !res.body().empty()) std::abort();
    const auto type = res.find(http::field::content_type);
    if (!res.body().empty() && type != res.end() && type->value().starts_with("application/json")) {
        boost::system::error_code json_ec;
        boost::json::parse(res.body(), json_ec);
        if (json_ec) std::abort();
    }
    return 0;
}
