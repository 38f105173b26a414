// Percent-encoding and query parsing.
#include <catch2/catch.hpp>

#include "http/url.hpp"

using namespace taskcore::server;

TEST_CASE("percent_decode handles escapes, plus and broken input") {
    CHECK(percent_decode("a%20b") == "a b");
    CHECK(percent_decode("%C3%BC") == "ü");
    CHECK(percent_decode("a+b") == "a+b");
    CHECK(percent_decode("a+b", true) == "a b");
    CHECK_FALSE(percent_decode("%"));
    CHECK_FALSE(percent_decode("%4"));
    CHECK_FALSE(percent_decode("%G0"));
}

TEST_CASE("percent_encode leaves only unreserved ASCII") {
    CHECK(percent_encode("abc-._~XYZ019") == "abc-._~XYZ019");
    CHECK(percent_encode("ü /?") == "%C3%BC%20%2F%3F");
}

TEST_CASE("split_path decodes each segment after splitting") {
    CHECK(split_path("/api/a%2Fb/tasks") == std::vector<std::string>{"api", "a/b", "tasks"});
    CHECK(split_path("/") == std::vector<std::string>{""});
    CHECK_FALSE(split_path("relative"));
    CHECK_FALSE(split_path("/bad%zz"));
}

TEST_CASE("parse_query keeps order, decodes and allows empty values") {
    const auto q = parse_query("a=1&b=x+y&&c=&d");
    REQUIRE(q);
    CHECK(*q == taskcore::QueryParams{{"a", "1"}, {"b", "x y"}, {"c", ""}, {"d", ""}});
    CHECK_FALSE(parse_query("a=%"));
}

TEST_CASE("the raw characters browsers leave unescaped in a URL are accepted, not refused") {
    // An RFC 3986 parser (Boost.URL's parse_query) would refuse these; a browser sends them raw.
    const auto q = parse_query("q=a|b{c}^`&t=\xC3\xBC");
    REQUIRE(q);
    CHECK(*q == taskcore::QueryParams{{"q", "a|b{c}^`"}, {"t", "ü"}});
    CHECK(split_path("/api/a|b/tasks") == std::vector<std::string>{"api", "a|b", "tasks"});
    CHECK(percent_decode("%00") == std::string(1, '\0'));
}
