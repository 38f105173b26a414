// The JWKS fetcher against a loopback endpoint: start-up, rotation, outages, unknown-kid floods.
#include <catch2/catch.hpp>

#include <thread>

#include "auth/test_keys.hpp"
#include "net/jwks_fetcher.hpp"
#include "support/test_http_server.hpp"
#include "taskcore/auth/jwt_verifier.hpp"

using namespace taskcore;
using namespace taskcore::server;
using namespace taskcore::testing;

namespace {

boost::json::object claims() {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return {{"sub", "ba-user"}, {"iat", now}, {"exp", now + 900}};
}

JwksFetcherOptions fast_options() {
    JwksFetcherOptions o;
    o.unknown_kid_interval = std::chrono::seconds{30};
    o.retry_after_failure = std::chrono::seconds{1};
    o.timeout = std::chrono::milliseconds{2000};
    return o;
}

}  // namespace

TEST_CASE("keys are fetched at start and verify tokens") {
    TestHttpServer endpoint;
    const TestKey key("EdDSA", "k1");
    endpoint.respond(200, jwks_of({&key}));
    auto fetcher = std::make_shared<JwksFetcher>(endpoint.url("/api/auth/jwks"), fast_options());
    REQUIRE(fetcher->wait_for_first_attempt(std::chrono::seconds{5}));
    CHECK(fetcher->keys()->size() == 1);
    const JwtVerifier verifier(std::nullopt, fetcher, {});
    CHECK(verifier.verify(key.token(claims())).ok());
    CHECK(endpoint.hits() == 1);
}

TEST_CASE("a new kid after rotation triggers one refetch and is accepted") {
    TestHttpServer endpoint;
    const TestKey old_key("EdDSA", "old"), new_key("EdDSA", "new");
    endpoint.respond(200, jwks_of({&old_key}));
    auto fetcher = std::make_shared<JwksFetcher>(endpoint.url("/jwks"), fast_options());
    REQUIRE(fetcher->wait_for_first_attempt(std::chrono::seconds{5}));
    const JwtVerifier verifier(std::nullopt, fetcher, {});
    endpoint.respond(200, jwks_of({&old_key, &new_key}));  // old first, as Better Auth lists them
    CHECK(verifier.verify(new_key.token(claims())).ok());
    CHECK(verifier.verify(old_key.token(claims())).ok());
    CHECK(endpoint.hits() == 2);
}

TEST_CASE("an endpoint that goes down does not take cached keys away") {
    TestHttpServer endpoint;
    const TestKey key("ES256", "k");
    endpoint.respond(200, jwks_of({&key}));
    JwksFetcherOptions options = fast_options();
    options.unknown_kid_interval = std::chrono::seconds{0};  // let the unknown kid refetch now
    auto fetcher = std::make_shared<JwksFetcher>(endpoint.url("/jwks"), options);
    REQUIRE(fetcher->wait_for_first_attempt(std::chrono::seconds{5}));
    endpoint.respond(503, "down");
    const JwtVerifier verifier(std::nullopt, fetcher, {});
    const TestKey stranger("ES256", "unknown");
    CHECK(verifier.verify(stranger.token(claims())).failure == JwtFailure::unknown_key);
    CHECK(endpoint.hits() == 2);  // the refetch happened and failed
    CHECK(fetcher->keys()->size() == 1);
    CHECK(verifier.verify(key.token(claims())).ok());
}

TEST_CASE("a flood of unknown kids refetches at most once per interval") {
    TestHttpServer endpoint;
    const TestKey key("EdDSA", "real");
    endpoint.respond(200, jwks_of({&key}));
    auto fetcher = std::make_shared<JwksFetcher>(endpoint.url("/jwks"), fast_options());
    REQUIRE(fetcher->wait_for_first_attempt(std::chrono::seconds{5}));
    const JwtVerifier verifier(std::nullopt, fetcher, {});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                const TestKey junk("EdDSA", "junk-" + std::to_string(t) + "-" + std::to_string(i));
                CHECK(verifier.verify(junk.token(claims())).failure == JwtFailure::unknown_key);
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(endpoint.hits() <= 2);  // the start-up fetch plus at most one refetch
    CHECK(verifier.verify(key.token(claims())).ok());
}

TEST_CASE("an endpoint down at start: tokens fail until the keys arrive") {
    TestHttpServer endpoint;
    const TestKey key("RS256", "k");
    endpoint.respond(500, "oops");
    auto fetcher = std::make_shared<JwksFetcher>(endpoint.url("/jwks"), fast_options());
    REQUIRE(fetcher->wait_for_first_attempt(std::chrono::seconds{5}));
    const JwtVerifier verifier(std::nullopt, fetcher, {});
    CHECK(verifier.verify(key.token(claims())).failure == JwtFailure::unknown_key);
    endpoint.respond(200, jwks_of({&key}));
    bool accepted = false;
    for (int i = 0; i < 50 && !accepted; ++i) {  // retried every second while no keys are known
        accepted = fetcher->keys()->size() == 1;
        if (!accepted) std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    CHECK(accepted);
    CHECK(verifier.verify(key.token(claims())).ok());
}

TEST_CASE("http_get reports unreachable endpoints and bad URLs") {
    CHECK_THROWS_WITH(http_get("http://127.0.0.1:1/jwks", std::chrono::seconds{2}, 1024),
                      Catch::Contains("cannot connect"));
    CHECK_THROWS_WITH(http_get("ftp://x/jwks", std::chrono::seconds{2}, 1024),
                      Catch::Contains("http:// or https://"));
    TestHttpServer endpoint;
    endpoint.respond(200, std::string(5000, 'x'));
    CHECK_THROWS(http_get(endpoint.url("/"), std::chrono::seconds{2}, 1024));
}
