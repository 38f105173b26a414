// Rate limits: the token-bucket arithmetic with a controlled clock, and the router's 429s and
// RateLimit headers per user and, for refused tokens, per client address.
#include <catch2/catch.hpp>

#include <regex>

#include "api_support.hpp"
#include "http/rate_limiter.hpp"

using namespace taskcore;
using namespace taskcore::testing;
using boost::beast::http::status;
using boost::beast::http::verb;
using server::RateLimiter;

namespace {

std::string field(const server::Response& res, std::string_view name) {
    const auto it = res.find(name);
    return it == res.end() ? std::string("<absent>") : std::string(it->value());
}

// RFC 9651 sf-list of one item: a string with integer parameters, e.g. "user";q=5;w=60.
bool structured_item(const std::string& value, const std::vector<std::string>& keys) {
    std::string pattern = R"re(^"[a-z]+")re";
    for (const auto& k : keys) pattern += ";" + k + "=(0|[1-9][0-9]{0,14})";
    return std::regex_match(value, std::regex(pattern + "$"));
}

struct LimitedFixture : ApiFixture {
    LimitedFixture() {
        config.rate_limit_per_minute = 60;  // one token a second
        config.rate_limit_burst = 3;
        rebuild();
    }
    server::Reply from(const std::string& address, const std::string& user,
                       const std::string& token) {
        server::Request req{verb::get, "/api/" + user + "/tasks", 11};
        req.set(boost::beast::http::field::authorization, "Bearer " + token);
        boost::asio::io_context io;
        auto reply = boost::asio::co_spawn(io, api->handle(req, address), boost::asio::use_future);
        io.run();
        return reply.get();
    }
};

}  // namespace

TEST_CASE("a bucket starts full, refills with time and never above its burst") {
    RateLimiter limiter(60, 3);  // one token per second
    const auto t0 = RateLimiter::Clock::now();
    CHECK(limiter.take("a", t0).remaining == 2);
    CHECK(limiter.take("a", t0).remaining == 1);
    const auto last = limiter.take("a", t0);
    CHECK(last.allowed);
    CHECK(last.remaining == 0);
    CHECK(last.reset_s == 3);
    const auto refused = limiter.take("a", t0);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after_s == 1);
    CHECK(limiter.take("b", t0).remaining == 2);  // another key has its own bucket

    const auto later = limiter.take("a", t0 + std::chrono::milliseconds{1500});
    CHECK(later.allowed);
    CHECK(later.remaining == 0);
    CHECK(limiter.take("a", t0 + std::chrono::hours{1}).remaining == 2);  // capped at the burst
}

TEST_CASE("many idle keys do not pile up: refilled buckets are forgotten") {
    RateLimiter limiter(60, 1);
    auto t = RateLimiter::Clock::now();
    for (int i = 0; i < 20000; ++i) CHECK(limiter.take("k" + std::to_string(i), t).allowed);
    t += std::chrono::seconds{2};  // every bucket has refilled
    for (int i = 0; i < 20000; ++i) limiter.take("n" + std::to_string(i), t);
    // A forgotten key starts full again: what it would have had anyway.
    CHECK(limiter.take("k1", t).allowed);
}

TEST_CASE_METHOD(LimitedFixture, "over the limit a user gets 429 with Retry-After, others do not") {
    for (int remaining : {2, 1, 0}) {
        const auto res = from("10.0.0.1", "alice", token_for("alice")).response;
        REQUIRE(res.result() == status::ok);
        CHECK(field(res, "RateLimit-Policy") == R"("user";q=3;w=3)");
        CHECK(field(res, "RateLimit") ==
              R"("user";r=)" + std::to_string(remaining) + ";t=" + std::to_string(3 - remaining));
        CHECK(structured_item(field(res, "RateLimit"), {"r", "t"}));
        CHECK(structured_item(field(res, "RateLimit-Policy"), {"q", "w"}));
    }
    const auto refused = from("10.0.0.1", "alice", token_for("alice"));
    CHECK(refused.response.result() == status::too_many_requests);
    CHECK(refused.error == server::ErrorCode::rate_limited);
    CHECK(ApiFixture::json(refused.response).at("error").at("code") == "RATE_LIMITED");
    CHECK(field(refused.response, "Retry-After") == "1");
    CHECK(field(refused.response, "RateLimit") == R"("user";r=0;t=3)");
    // The same address, another user: a budget of its own.
    CHECK(from("10.0.0.1", "bob", token_for("bob")).response.result() == status::ok);
}

TEST_CASE_METHOD(LimitedFixture, "a flood of bad tokens from one address ends in 429s") {
    for (int i = 0; i < 3; ++i) {
        CHECK(from("10.0.0.9", "alice", "bad").response.result() == status::unauthorized);
    }
    CHECK(from("10.0.0.9", "alice", "bad").response.result() == status::too_many_requests);
    // Another address, and the user's own budget, are untouched.
    CHECK(from("10.0.0.10", "alice", "bad").response.result() == status::unauthorized);
    const auto ok = from("10.0.0.9", "alice", token_for("alice")).response;
    CHECK(ok.result() == status::ok);
    CHECK(field(ok, "RateLimit") == R"("user";r=2;t=1)");
}

TEST_CASE_METHOD(ApiFixture, "with RATE_LIMIT_PER_MINUTE=0 (the default) nothing is limited") {
    for (int i = 0; i < 50; ++i) {
        const auto res = call(verb::get, "/api/alice/tasks");
        REQUIRE(res.result() == status::ok);
        CHECK(field(res, "RateLimit") == "<absent>");
    }
}

TEST_CASE_METHOD(LimitedFixture, "MCP calls spend the same per-user budget") {
    const std::string ping = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
    for (int i = 0; i < 3; ++i) {
        CHECK(call(verb::post, "/mcp", ping, {{"MCP-Protocol-Version", "2025-11-25"}}).result() ==
              status::ok);
    }
    CHECK(call(verb::post, "/mcp", ping, {{"MCP-Protocol-Version", "2025-11-25"}}).result() ==
          status::too_many_requests);
    CHECK(call(verb::get, "/api/alice/tasks").result() == status::too_many_requests);
}
