// Asymmetric tokens (Better Auth's JWKS mode): published vectors, every algorithm, and attacks.
#include <catch2/catch.hpp>

#include "auth/test_keys.hpp"
#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/auth/jwt_verifier.hpp"

using namespace taskcore;
using namespace taskcore::testing;
namespace bj = boost::json;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

WallClock clock_at(std::int64_t seconds) {
    return
        [seconds] { return std::chrono::system_clock::time_point{std::chrono::seconds{seconds}}; };
}

std::shared_ptr<KeySource> source(const std::string& jwks) {
    return std::make_shared<StaticKeySource>(JwkSet::parse(jwks));
}

JwtVerifier verifier_for(const std::string& jwks, std::optional<std::string> secret = std::nullopt,
                         JwtOptions options = {}) {
    return JwtVerifier(std::move(secret), source(jwks), std::move(options), clock_at(kNow));
}

bj::object claims(bj::object extra = {}) {
    // The shape Better Auth issues (sub = id, email, name, 15-minute lifetime).
    bj::object c{{"sub", "ba-user-1"},
                 {"id", "ba-user-1"},
                 {"email", "a@example.com"},
                 {"name", "A"},
                 {"iat", kNow - 5},
                 {"exp", kNow + 895},
                 {"iss", "http://localhost:3000"},
                 {"aud", "http://localhost:3000"}};
    for (auto& [k, v] : extra) c[k] = v;
    return c;
}

const char* kRfc7515Payload =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q";

}  // namespace

TEST_CASE("RFC 8037 A.4: the Ed25519 JWS example verifies") {
    const auto key = PublicKey::from_jwk(
        R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})");
    const std::string input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    const auto sig = *base64url_decode(
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
    CHECK(key.verify(JwsAlgorithm::EdDSA, input, sig));
    CHECK_FALSE(key.verify(JwsAlgorithm::EdDSA, input + "x", sig));
}

TEST_CASE("RFC 7515 A.2: the RS256 example verifies with the RFC's public key") {
    const std::string jwks =
        R"({"keys":[{"kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"}]})";
    const std::string token = std::string("eyJhbGciOiJSUzI1NiJ9.") + kRfc7515Payload +
                              ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__"
                              "dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5"
                              "jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_"
                              "nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L"
                              "07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-"
                              "eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEU"
                              "ipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
    const JwtVerifier v(std::nullopt, source(jwks), {}, clock_at(1300819000));
    // The signature verifies; the example merely has no user claim.
    CHECK(v.verify(token).failure == JwtFailure::missing_user);
    CHECK(v.verify(token.substr(0, token.size() - 3) + "AAA").failure == JwtFailure::bad_signature);
}

TEST_CASE("RFC 7515 A.3: the ES256 example verifies with the RFC's public key") {
    const std::string jwks =
        R"({"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})";
    const std::string token =
        std::string("eyJhbGciOiJFUzI1NiJ9.") + kRfc7515Payload +
        ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
    const JwtVerifier v(std::nullopt, source(jwks), {}, clock_at(1300819000));
    CHECK(v.verify(token).failure == JwtFailure::missing_user);
}

TEST_CASE("every supported algorithm verifies its own tokens and rejects tampering") {
    for (const char* alg : {"EdDSA", "ES256", "ES384", "ES512", "RS256", "RS512", "PS256"}) {
        INFO(alg);
        const TestKey key(alg);
        const TestKey other(alg, key.kid());  // same kid, different key
        const auto v = verifier_for(jwks_of({&key}));
        const auto token = key.token(claims());
        const auto result = v.verify(token);
        CHECK(result.ok());
        CHECK(result.user_id == "ba-user-1");
        CHECK(v.verify(other.token(claims())).failure == JwtFailure::bad_signature);
        const auto forged_payload = base64url_encode(bj::serialize(claims({{"sub", "admin"}})));
        const auto dot1 = token.find('.'), dot2 = token.rfind('.');
        CHECK(v.verify(token.substr(0, dot1 + 1) + forged_payload + token.substr(dot2)).failure ==
              JwtFailure::bad_signature);
        CHECK(v.verify(token.substr(0, dot2 + 1)).failure == JwtFailure::bad_signature);
    }
}

TEST_CASE("keys are chosen by kid and rotation keeps old keys working") {
    const TestKey old_key("EdDSA", "old"), new_key("EdDSA", "new");
    const auto v = verifier_for(jwks_of({&old_key, &new_key}));
    CHECK(v.verify(old_key.token(claims())).ok());
    CHECK(v.verify(new_key.token(claims())).ok());
    CHECK(v.verify(new_key.token(claims(), "EdDSA", "unknown")).failure == JwtFailure::unknown_key);
    // No kid: ambiguous with two keys, fine with one.
    CHECK(v.verify(new_key.token(claims(), "EdDSA", "")).failure == JwtFailure::unknown_key);
    CHECK(verifier_for(jwks_of({&new_key})).verify(new_key.token(claims(), "EdDSA", "")).ok());
}

TEST_CASE("alg must equal the JWK's alg and fit its key type and curve") {
    const TestKey ed("EdDSA", "k"), rsa("RS256", "r");
    CHECK(verifier_for(jwks_of({&ed})).verify(ed.token(claims(), "ES256")).failure ==
          JwtFailure::key_mismatch);
    // The RSA key declares RS256: a PS256 token with it is refused even though RSA can do PSS.
    CHECK(verifier_for(jwks_of({&rsa})).verify(rsa.token(claims(), "PS256")).failure ==
          JwtFailure::key_mismatch);
    // Without a declared alg, any algorithm of the key's family is accepted.
    auto bare = rsa.jwk(false);
    const auto no_alg = bj::serialize(bj::object{{"keys", bj::array{bare}}});
    CHECK(verifier_for(no_alg).verify(rsa.token(claims(), "PS256")).ok());
    CHECK(verifier_for(no_alg).verify(rsa.token(claims(), "RS512")).ok());
    // "Ed25519" is accepted as the fully specified name of EdDSA.
    CHECK(verifier_for(jwks_of({&ed})).verify(ed.token(claims(), "EdDSA")).ok());
}

TEST_CASE("HMAC is never verified with a public key (algorithm confusion)") {
    const TestKey rsa("RS256", "r");
    const auto public_bytes = bj::serialize(rsa.jwk());
    std::string forged = base64url_encode(R"({"alg":"HS256","kid":"r"})") + "." +
                         base64url_encode(bj::serialize(claims()));
    forged += "." + base64url_encode(hmac_sha256(public_bytes, forged));
    CHECK(verifier_for(jwks_of({&rsa})).verify(forged).failure ==
          JwtFailure::unsupported_algorithm);
    CHECK(verifier_for(jwks_of({&rsa}), "a-real-shared-secret-of-32-bytes-or-more")
              .verify(forged)
              .failure == JwtFailure::bad_signature);
    for (const char* alg : {"HS384", "HS512", "none"}) {
        std::string t = base64url_encode(bj::serialize(bj::object{{"alg", alg}, {"kid", "r"}})) +
                        "." + base64url_encode(bj::serialize(claims())) + ".";
        CHECK(verifier_for(jwks_of({&rsa})).verify(t).failure == JwtFailure::unsupported_algorithm);
    }
}

TEST_CASE("both modes side by side: each token goes to exactly one verifier") {
    const std::string secret = "shared-secret-for-the-hs256-path-123456";
    const TestKey ed("EdDSA", "k");
    const auto v = verifier_for(jwks_of({&ed}), secret);
    CHECK(v.verify(ed.token(claims())).ok());
    CHECK(v.verify(sign_hs256(claims(), secret)).ok());
    CHECK(v.verify(sign_hs256(claims(), "not-the-secret-at-all-0123456789")).failure ==
          JwtFailure::bad_signature);
    // A JWKS-only verifier refuses HS256 outright.
    CHECK(verifier_for(jwks_of({&ed})).verify(sign_hs256(claims(), secret)).failure ==
          JwtFailure::unsupported_algorithm);
}

TEST_CASE("ECDSA psychic signatures and malformed signatures are refused") {
    const TestKey es("ES256", "e");
    const auto v = verifier_for(jwks_of({&es}));
    const auto token = es.token(claims());
    const auto prefix = token.substr(0, token.rfind('.') + 1);
    CHECK(v.verify(prefix + base64url_encode(std::string(64, '\0'))).failure ==
          JwtFailure::bad_signature);
    // r = s = n (the group order) is out of range too.
    const auto n = *base64url_decode("_____wAAAAD__________7zm-q2nF56E87nKwvxjJVE");
    CHECK(v.verify(prefix + base64url_encode(n + n)).failure == JwtFailure::bad_signature);
    // A DER signature (what OpenSSL produces natively) is not a JWS signature.
    CHECK(v.verify(prefix + base64url_encode(std::string(70, '\x30'))).failure ==
          JwtFailure::bad_signature);
    // Non-canonical base64url in the signature.
    auto bad = token;
    bad.back() = bad.back() == 'A' ? 'B' : 'A';
    CHECK_FALSE(v.verify(bad).ok());
}

TEST_CASE("claims are checked exactly as on the HS256 path") {
    const TestKey ed("EdDSA", "k");
    JwtOptions options;
    options.issuer = "http://localhost:3000";
    options.audience = "http://localhost:3000";
    const auto v = verifier_for(jwks_of({&ed}), std::nullopt, options);
    CHECK(v.verify(ed.token(claims())).ok());
    CHECK(v.verify(ed.token(claims({{"exp", kNow - 31}}))).failure == JwtFailure::expired);
    CHECK(v.verify(ed.token(claims({{"exp", "soon"}}))).failure == JwtFailure::bad_time_claim);
    CHECK(v.verify(ed.token(claims({{"iss", "https://evil.example"}}))).failure ==
          JwtFailure::wrong_issuer);
    CHECK(v.verify(ed.token(claims({{"aud", "other"}}))).failure == JwtFailure::wrong_audience);
    CHECK(v.verify(ed.token(claims(), "EdDSA", "k", {{"crit", bj::array{"b64"}}})).failure ==
          JwtFailure::critical_header);
}

TEST_CASE("embedded keys in the header (jwk, jku, x5u, x5c) are ignored") {
    const TestKey trusted("EdDSA", "trusted"), attacker("EdDSA", "attacker");
    const auto v = verifier_for(jwks_of({&trusted}));
    const auto forged = attacker.token(claims(), "EdDSA", "attacker",
                                       {{"jwk", attacker.jwk()},
                                        {"jku", "https://evil/jwks"},
                                        {"x5u", "https://evil/cert"},
                                        {"x5c", bj::array{"AAAA"}}});
    CHECK(v.verify(forged).failure == JwtFailure::unknown_key);
    const auto forged_same_kid =
        attacker.token(claims(), "EdDSA", "trusted", {{"jwk", attacker.jwk()}});
    CHECK(v.verify(forged_same_kid).failure == JwtFailure::bad_signature);
}

TEST_CASE("JWKS parsing keeps usable keys and explains skipped ones") {
    const TestKey ed("EdDSA", "ok");
    auto enc = ed.jwk();
    enc["use"] = "enc";
    enc["kid"] = "for-encryption";
    const auto set = JwkSet::parse(bj::serialize(bj::object{
        {"keys",
         bj::array{ed.jwk(), bj::object{{"kty", "oct"}, {"k", "c2VjcmV0"}}, enc,
                   bj::object{{"kty", "EC"}, {"crv", "P-256"}, {"x", "AAAA"}, {"y", "AAAA"}}}}}));
    CHECK(set.size() == 1);
    CHECK(set.skipped().size() == 3);
    CHECK_THROWS_AS(JwkSet::parse("[]"), InvalidJwkError);
    CHECK_THROWS_AS(JwkSet::parse("{}"), InvalidJwkError);
}

TEST_CASE("invalid public keys are refused when loaded") {
    // A point that is not on P-256.
    CHECK_THROWS_AS(
        PublicKey::from_jwk(
            R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"y_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})"),
        InvalidJwkError);
    // RSA below 2048 bits.
    CHECK_THROWS_WITH(PublicKey::from_jwk(R"({"kty":"RSA","e":"AQAB","n":"AQAB"})"),
                      Catch::Contains("2048"));
    CHECK_THROWS_AS(PublicKey::from_jwk(R"({"kty":"OKP","crv":"X25519","x":"AAAA"})"),
                    InvalidJwkError);
    CHECK_THROWS_AS(PublicKey::from_jwk(R"({"kty":"OKP","crv":"Ed25519","x":"AAAA"})"),
                    InvalidJwkError);
    // alg that does not fit the key.
    CHECK_THROWS_AS(
        PublicKey::from_jwk(
            R"({"kty":"OKP","crv":"Ed25519","alg":"ES256","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"),
        InvalidJwkError);
}
