// Strict base64url: round trips, and rejection of every non-canonical form.
#include <catch2/catch.hpp>

#include "taskcore/auth/base64url.hpp"

using namespace taskcore;

TEST_CASE("base64url round-trips every length") {
    std::string bytes;
    for (int i = 0; i < 40; ++i) {
        const auto encoded = base64url_encode(bytes);
        CHECK(encoded.find('=') == std::string::npos);
        CHECK(base64url_decode(encoded) == bytes);
        bytes.push_back(static_cast<char>(i * 37 + 200));
    }
}

TEST_CASE("base64url uses the URL-safe alphabet") {
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    CHECK(base64url_decode("-_8") == std::string("\xfb\xff"));
}

TEST_CASE("base64url rejects padding, foreign characters, bad lengths and dirty bits") {
    CHECK_FALSE(base64url_decode("YQ=="));     // padding
    CHECK_FALSE(base64url_decode("+/8"));      // standard alphabet
    CHECK_FALSE(base64url_decode("YWJj ZA"));  // space
    CHECK_FALSE(base64url_decode("YWJjZ"));    // length % 4 == 1
    CHECK_FALSE(base64url_decode("YR"));       // unused bits not zero ("YQ" is canonical)
    CHECK(base64url_decode("YQ") == std::string("a"));
}
