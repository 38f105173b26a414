// JWT verification for both modes of docs/api.md §5: HS256 shared secret and JWKS public keys.
#include "taskcore/auth/jwt_verifier.hpp"

#include <openssl/crypto.h>
#include "jws.hpp"
#include "taskcore/auth/jwt_signer.hpp"

namespace taskcore {

std::string_view to_string(JwtFailure failure) {
    switch (failure) {
        case JwtFailure::too_large:
            return "token too large";
        case JwtFailure::malformed:
            return "malformed token";
        case JwtFailure::unsupported_algorithm:
            return "unsupported algorithm";
        case JwtFailure::critical_header:
            return "crit header not supported";
        case JwtFailure::bad_signature:
            return "bad signature";
        case JwtFailure::unknown_key:
            return "no JWKS key for the token's kid";
        case JwtFailure::key_mismatch:
            return "alg does not match the JWKS key";
        case JwtFailure::missing_expiry:
            return "exp claim missing";
        case JwtFailure::bad_time_claim:
            return "time claim is not a number";
        case JwtFailure::expired:
            return "token expired";
        case JwtFailure::not_yet_valid:
            return "token not yet valid (nbf)";
        case JwtFailure::issued_in_future:
            return "token issued in the future (iat)";
        case JwtFailure::wrong_issuer:
            return "wrong issuer";
        case JwtFailure::wrong_audience:
            return "wrong audience";
        case JwtFailure::missing_user:
            return "no user claim (sub, userId, id)";
        case JwtFailure::bad_user:
            return "user claim is not a string of 1-255 characters";
    }
    return "unknown";
}

std::string_view public_reason(JwtFailure failure) {
    switch (failure) {
        case JwtFailure::too_large:
        case JwtFailure::malformed:
        case JwtFailure::critical_header:
        case JwtFailure::missing_expiry:
        case JwtFailure::bad_time_claim:
            return "malformed token";
        case JwtFailure::unsupported_algorithm:
            return "algorithm not accepted";
        case JwtFailure::bad_signature:
        case JwtFailure::key_mismatch:
            return "signature invalid";
        case JwtFailure::unknown_key:
            return "unknown key id";
        case JwtFailure::expired:
            return "token expired";
        case JwtFailure::not_yet_valid:
        case JwtFailure::issued_in_future:
            return "token not yet valid";
        case JwtFailure::wrong_issuer:
            return "issuer not accepted";
        case JwtFailure::wrong_audience:
            return "audience not accepted";
        case JwtFailure::missing_user:
        case JwtFailure::bad_user:
            return "no user claim";
    }
    return "malformed token";
}

JwtVerifier::JwtVerifier(std::string secret, JwtOptions options, WallClock clock)
    : JwtVerifier(std::optional<std::string>(std::move(secret)), nullptr, std::move(options),
                  std::move(clock)) {}

JwtVerifier::JwtVerifier(std::optional<std::string> secret, std::shared_ptr<KeySource> keys,
                         JwtOptions options, WallClock clock)
    : secret_(std::move(secret)),
      keys_(std::move(keys)),
      options_(std::move(options)),
      clock_(std::move(clock)) {
    if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

JwtResult JwtVerifier::verify(std::string_view token) const {
    detail::CompactJws jws;
    if (auto failure = detail::parse_compact_jws(token, options_.max_token_bytes, jws)) {
        return JwtResult::refused(*failure);
    }
    // Embedded keys and key URLs (jwk, jku, x5u, x5c) are never looked at: keys come only from
    // configuration.
    const auto* alg_value = jws.header.if_contains("alg");
    if (alg_value == nullptr || !alg_value->is_string()) {
        return JwtResult::refused(JwtFailure::unsupported_algorithm);
    }
    const std::string_view alg = alg_value->get_string();

    if (alg == "HS256") {
        if (!secret_) return JwtResult::refused(JwtFailure::unsupported_algorithm);
        const auto mac = hmac_sha256(*secret_, jws.signing_input);
        if (jws.signature.size() != mac.size() ||
            CRYPTO_memcmp(mac.data(), jws.signature.data(), mac.size()) != 0) {
            return JwtResult::refused(JwtFailure::bad_signature);
        }
        return detail::check_claims(jws.payload, options_, clock_());
    }

    // Asymmetric: HMAC names never reach this branch, so a public key is never used as an
    // HMAC secret (algorithm confusion).
    const auto asymmetric = parse_jws_algorithm(alg);
    if (!asymmetric || !keys_) return JwtResult::refused(JwtFailure::unsupported_algorithm);
    std::optional<std::string> kid;
    if (const auto* k = jws.header.if_contains("kid")) {
        if (!k->is_string()) return JwtResult::refused(JwtFailure::malformed);
        kid = std::string(k->get_string());
    }
    auto keys = keys_->keys();
    const PublicKey* key = keys->find(kid);
    if (key == nullptr) {
        keys = keys_->refresh_for_unknown_kid();
        key = keys->find(kid);
    }
    if (key == nullptr) return JwtResult::refused(JwtFailure::unknown_key);
    if (!key->accepts(*asymmetric)) return JwtResult::refused(JwtFailure::key_mismatch);
    if (!key->verify(*asymmetric, jws.signing_input, jws.signature)) {
        return JwtResult::refused(JwtFailure::bad_signature);
    }
    return detail::check_claims(jws.payload, options_, clock_());
}

}  // namespace taskcore
