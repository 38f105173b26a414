// HS256 verification: the RFC 7515 vector and the RFC 8725 attacks that apply to it.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <set>

#include "taskcore/auth/base64url.hpp"
#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/auth/jwt_verifier.hpp"

using namespace taskcore;
namespace bj = boost::json;

namespace {

const std::string kSecret = "a-test-secret-that-is-at-least-32-bytes-long";
constexpr std::int64_t kNow = 1'800'000'000;

WallClock fixed_clock(std::int64_t seconds) {
    return
        [seconds] { return std::chrono::system_clock::time_point{std::chrono::seconds{seconds}}; };
}

JwtVerifier verifier(JwtOptions options = {}) {
    return JwtVerifier(kSecret, std::move(options), fixed_clock(kNow));
}

bj::object claims(bj::object extra = {}) {
    bj::object c{{"sub", "user-1"}, {"iat", kNow - 10}, {"exp", kNow + 900}};
    for (auto& [k, v] : extra) c[k] = v;
    return c;
}

// Builds a token from raw header/payload JSON text, signed with `key`.
std::string raw_token(std::string_view header, std::string_view payload,
                      std::string_view key = kSecret) {
    std::string t = base64url_encode(header) + "." + base64url_encode(payload);
    return t + "." + base64url_encode(hmac_sha256(key, t));
}

std::optional<JwtFailure> failure_of(const std::string& token, JwtOptions options = {}) {
    return verifier(std::move(options)).verify(token).failure;
}

}  // namespace

TEST_CASE("RFC 7515 appendix A.1 HS256 example verifies with its key") {
    const auto key = base64url_decode(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
    REQUIRE(key);
    const std::string token =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cn"
        "VlfQ."
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const JwtVerifier v(*key, {}, fixed_clock(1300819000));
    // The signature is good; the example simply carries no user claim.
    CHECK(v.verify(token).failure == JwtFailure::missing_user);
    auto tampered = token;
    tampered[tampered.size() - 2] = 'Y';
    CHECK(v.verify(tampered).failure == JwtFailure::bad_signature);
    // Past its exp (1300819380) plus the 30 s leeway it is expired.
    const JwtVerifier late(*key, {}, fixed_clock(1300819410));
    CHECK(late.verify(token).failure == JwtFailure::expired);
}

TEST_CASE("a well-formed HS256 token yields its user id and its expiry") {
    const auto result = verifier().verify(sign_hs256(claims(), kSecret));
    REQUIRE(result.ok());
    CHECK(result.user_id == "user-1");
    CHECK(std::chrono::duration_cast<std::chrono::seconds>(result.expires_at.time_since_epoch())
              .count() == kNow + 900);
}

TEST_CASE("alg none and other algorithms are refused on the HS256 path") {
    const std::string payload = bj::serialize(claims());
    for (const char* header :
         {R"({"alg":"none"})", R"({"alg":"None"})", R"({"alg":"NONE"})", R"({"alg":"HS384"})",
          R"({"alg":"HS512"})", R"({"alg":"RS256"})", R"({"alg":"EdDSA"})", R"({"alg":"hs256"})",
          R"({"typ":"JWT"})", R"({"alg":256})"}) {
        INFO(header);
        CHECK(failure_of(raw_token(header, payload)) == JwtFailure::unsupported_algorithm);
    }
    // An unsigned token: alg none with an empty signature.
    const std::string unsigned_token =
        base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(payload) + ".";
    CHECK(failure_of(unsigned_token) == JwtFailure::unsupported_algorithm);
}

TEST_CASE("signature tampering is detected") {
    const auto token = sign_hs256(claims(), kSecret);
    const auto last_dot = token.rfind('.');
    SECTION("stripped signature") {
        CHECK(failure_of(token.substr(0, last_dot + 1)) == JwtFailure::bad_signature);
    }
    SECTION("truncated signature") {
        const auto sig = *base64url_decode(token.substr(last_dot + 1));
        const auto truncated = token.substr(0, last_dot + 1) + base64url_encode(sig.substr(0, 16));
        CHECK(failure_of(truncated) == JwtFailure::bad_signature);
        // Cutting characters instead leaves non-canonical base64url: malformed.
        CHECK(failure_of(token.substr(0, token.size() - 4)).has_value());
    }
    SECTION("wrong key") {
        CHECK(failure_of(sign_hs256(claims(), "another-secret-of-enough-length-123456")) ==
              JwtFailure::bad_signature);
    }
    SECTION("tampered payload keeps the old signature") {
        const auto forged_payload = base64url_encode(bj::serialize(claims({{"sub", "admin"}})));
        const auto first_dot = token.find('.');
        const auto forged =
            token.substr(0, first_dot + 1) + forged_payload + token.substr(last_dot);
        CHECK(failure_of(forged) == JwtFailure::bad_signature);
    }
    SECTION("tampered header keeps the old signature") {
        const auto forged =
            base64url_encode(R"({"alg":"HS256","typ":"JWS"})") + token.substr(token.find('.'));
        CHECK(failure_of(forged) == JwtFailure::bad_signature);
    }
}

TEST_CASE("structurally broken tokens are malformed") {
    const auto token = sign_hs256(claims(), kSecret);
    CHECK(failure_of("") == JwtFailure::malformed);
    CHECK(failure_of("abc") == JwtFailure::malformed);
    CHECK(failure_of("a.b") == JwtFailure::malformed);
    CHECK(failure_of(token + ".extra") == JwtFailure::malformed);
    CHECK(failure_of("." + token) == JwtFailure::malformed);
    CHECK(failure_of("..") == JwtFailure::malformed);
    CHECK(failure_of(raw_token("not json", bj::serialize(claims()))) == JwtFailure::malformed);
    CHECK(failure_of(raw_token(R"({"alg":"HS256"})", "[1,2]")) == JwtFailure::malformed);
    CHECK(failure_of(raw_token(R"({"alg":"HS256"})", "{\"sub\":\"x\",}")) == JwtFailure::malformed);
    CHECK(failure_of("eyJhbGciOiJIUzI1NiJ9=.e30.AAAA") == JwtFailure::malformed);  // padding
}

TEST_CASE("a crit header is rejected") {
    CHECK(failure_of(raw_token(R"({"alg":"HS256","crit":["exp"]})", bj::serialize(claims()))) ==
          JwtFailure::critical_header);
}

TEST_CASE("tokens over 8 KiB are rejected before parsing") {
    const auto big = sign_hs256(claims({{"pad", std::string(9000, 'x')}}), kSecret);
    CHECK(failure_of(big) == JwtFailure::too_large);
}

TEST_CASE("exp is required, numeric, and checked with leeway") {
    bj::object no_exp{{"sub", "u"}};
    CHECK(failure_of(sign_hs256(no_exp, kSecret)) == JwtFailure::missing_expiry);
    CHECK(failure_of(sign_hs256(claims({{"exp", "1900000000"}}), kSecret)) ==
          JwtFailure::bad_time_claim);
    CHECK(failure_of(sign_hs256(claims({{"exp", true}}), kSecret)) == JwtFailure::bad_time_claim);
    // Leeway 30 s: expired 29 s ago still passes, 30 s ago does not.
    CHECK_FALSE(failure_of(sign_hs256(claims({{"exp", kNow - 29}}), kSecret)));
    CHECK(failure_of(sign_hs256(claims({{"exp", kNow - 30}}), kSecret)) == JwtFailure::expired);
    CHECK_FALSE(failure_of(sign_hs256(claims({{"exp", double(kNow) + 0.5}}), kSecret)));
    JwtOptions strict;
    strict.leeway = std::chrono::seconds{0};
    CHECK(failure_of(sign_hs256(claims({{"exp", kNow}}), kSecret), strict) == JwtFailure::expired);
}

TEST_CASE("nbf and iat are checked with leeway and must be numbers") {
    CHECK_FALSE(failure_of(sign_hs256(claims({{"nbf", kNow + 30}}), kSecret)));
    CHECK(failure_of(sign_hs256(claims({{"nbf", kNow + 31}}), kSecret)) ==
          JwtFailure::not_yet_valid);
    CHECK_FALSE(failure_of(sign_hs256(claims({{"iat", kNow + 30}}), kSecret)));
    CHECK(failure_of(sign_hs256(claims({{"iat", kNow + 31}}), kSecret)) ==
          JwtFailure::issued_in_future);
    CHECK(failure_of(sign_hs256(claims({{"iat", "now"}}), kSecret)) == JwtFailure::bad_time_claim);
    CHECK(failure_of(sign_hs256(claims({{"nbf", nullptr}}), kSecret)) ==
          JwtFailure::bad_time_claim);
}

TEST_CASE("issuer and audience are enforced only when configured") {
    JwtOptions options;
    options.issuer = "taskflow-web";
    options.audience = "taskflow-api";
    const auto good = claims({{"iss", "taskflow-web"}, {"aud", "taskflow-api"}});
    CHECK_FALSE(failure_of(sign_hs256(good, kSecret), options));
    CHECK_FALSE(failure_of(
        sign_hs256(claims({{"iss", "taskflow-web"}, {"aud", bj::array{"other", "taskflow-api"}}}),
                   kSecret),
        options));
    CHECK(failure_of(sign_hs256(claims({{"iss", "evil"}, {"aud", "taskflow-api"}}), kSecret),
                     options) == JwtFailure::wrong_issuer);
    CHECK(failure_of(sign_hs256(claims({{"aud", "taskflow-api"}}), kSecret), options) ==
          JwtFailure::wrong_issuer);
    CHECK(failure_of(sign_hs256(claims({{"iss", "taskflow-web"}, {"aud", "other"}}), kSecret),
                     options) == JwtFailure::wrong_audience);
    CHECK(failure_of(
              sign_hs256(claims({{"iss", "taskflow-web"}, {"aud", bj::array{"x", 1}}}), kSecret),
              options) == JwtFailure::wrong_audience);
    CHECK(failure_of(sign_hs256(claims({{"iss", "taskflow-web"}}), kSecret), options) ==
          JwtFailure::wrong_audience);
    // Unconfigured: any iss/aud passes.
    CHECK_FALSE(failure_of(sign_hs256(claims({{"iss", "evil"}, {"aud", "x"}}), kSecret)));
}

TEST_CASE("the user id comes from sub, then userId, then id") {
    auto user_of = [](bj::object c) {
        c["exp"] = kNow + 60;
        return verifier().verify(sign_hs256(c, kSecret));
    };
    CHECK(user_of({{"sub", "a"}, {"userId", "b"}, {"id", "c"}}).user_id == "a");
    CHECK(user_of({{"userId", "b"}, {"id", "c"}}).user_id == "b");
    CHECK(user_of({{"id", "c"}}).user_id == "c");
    CHECK(user_of({{"sub", nullptr}, {"id", "c"}}).user_id == "c");
    CHECK(user_of({{"sub", "ユーザー"}}).user_id == "ユーザー");
    CHECK(user_of({}).failure == JwtFailure::missing_user);
    CHECK(user_of({{"sub", 12345}}).failure == JwtFailure::bad_user);
    CHECK(user_of({{"sub", ""}}).failure == JwtFailure::bad_user);
    CHECK(user_of({{"sub", std::string(256, 'x')}}).failure == JwtFailure::bad_user);
    CHECK(user_of({{"sub", std::string(255, 'x')}}).ok());
    CHECK(user_of({{"sub", bj::array{"a"}}}).failure == JwtFailure::bad_user);
}

TEST_CASE("every failure has a readable name") {
    CHECK(to_string(JwtFailure::expired) == "token expired");
    CHECK(to_string(JwtFailure::bad_signature) == "bad signature");
}

TEST_CASE("every refusal has a public reason from the fixed set") {
    const std::set<std::string_view> allowed{
        "token expired",       "token not yet valid",   "signature invalid",
        "issuer not accepted", "audience not accepted", "unknown key id",
        "malformed token",     "no user claim",         "algorithm not accepted"};
    for (int f = 0; f <= static_cast<int>(JwtFailure::bad_user); ++f) {
        const auto failure = static_cast<JwtFailure>(f);
        CAPTURE(to_string(failure));
        CHECK(allowed.count(public_reason(failure)) == 1);
    }
    CHECK(public_reason(JwtFailure::expired) == "token expired");
    CHECK(public_reason(JwtFailure::unknown_key) == "unknown key id");
    CHECK(public_reason(JwtFailure::key_mismatch) == "signature invalid");
    CHECK(public_reason(JwtFailure::issued_in_future) == "token not yet valid");
}
