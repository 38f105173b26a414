// The refused-origin log: once per origin per minute, bounded, printable, naming the variables.
#include <catch2/catch.hpp>

#include "http/origin_refusals.hpp"

using taskcore::server::OriginRefusals;

TEST_CASE("a refused origin is reported once per minute and names the variables") {
    OriginRefusals refusals;
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours{1};
    const auto first = refusals.report("http://evil.example:3000", t0);
    REQUIRE(first);
    CHECK(first->find("'http://evil.example:3000'") != std::string::npos);
    CHECK(first->find("FRONTEND_ORIGIN") != std::string::npos);
    CHECK(first->find("CORS_ORIGINS") != std::string::npos);
    CHECK_FALSE(refusals.report("http://evil.example:3000", t0 + std::chrono::seconds{59}));
    CHECK(refusals.report("http://other.example", t0 + std::chrono::seconds{59}));
    CHECK(refusals.report("http://evil.example:3000", t0 + std::chrono::seconds{60}));
}

TEST_CASE("a refused origin is logged as one printable line and the table stays bounded") {
    OriginRefusals refusals;
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours{1};
    const auto line = refusals.report("http://a\r\nfake: line\x01\xff", t0);
    REQUIRE(line);
    CHECK(line->find('\n') == std::string::npos);
    CHECK(line->find('\r') == std::string::npos);
    CHECK(line->find("\\x0d\\x0afake: line\\x01\\xff") != std::string::npos);
    CHECK(refusals.report(std::string(5000, 'x'), t0)->size() < 600);

    for (std::size_t i = 0; i < OriginRefusals::kMaxTracked; ++i) {
        (void)refusals.report("http://o" + std::to_string(i), t0);
    }
    CHECK_FALSE(refusals.report("http://one-too-many", t0));  // full: new origins wait
    // A minute later the old entries make room again.
    CHECK(refusals.report("http://one-too-many", t0 + OriginRefusals::kInterval));
}
