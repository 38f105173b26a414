// HS256 verification with the shared secret (contract §2, "Shared secret").
#include "taskcore/auth/jwt_verifier.hpp"

#include <openssl/crypto.h>
#include "jws.hpp"
#include "taskcore/auth/jwt_signer.hpp"

namespace taskcore {

std::string_view to_string(JwtFailure failure) {
    switch (failure) {
        case JwtFailure::too_large: return "token too large";
        case JwtFailure::malformed: return "malformed token";
        case JwtFailure::unsupported_algorithm: return "unsupported algorithm";
        case JwtFailure::critical_header: return "crit header not supported";
        case JwtFailure::bad_signature: return "bad signature";
        case JwtFailure::missing_expiry: return "exp claim missing";
        case JwtFailure::bad_time_claim: return "time claim is not a number";
        case JwtFailure::expired: return "token expired";
        case JwtFailure::not_yet_valid: return "token not yet valid (nbf)";
        case JwtFailure::issued_in_future: return "token issued in the future (iat)";
        case JwtFailure::wrong_issuer: return "wrong issuer";
        case JwtFailure::wrong_audience: return "wrong audience";
        case JwtFailure::missing_user: return "no user claim (sub, userId, id)";
        case JwtFailure::bad_user: return "user claim is not a string of 1-255 characters";
    }
    return "unknown";
}

JwtVerifier::JwtVerifier(std::string secret, JwtOptions options, WallClock clock)
    : secret_(std::move(secret)), options_(std::move(options)), clock_(std::move(clock)) {
    if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

JwtResult JwtVerifier::verify(std::string_view token) const {
    detail::CompactJws jws;
    if (auto failure = detail::parse_compact_jws(token, options_.max_token_bytes, jws)) {
        return JwtResult::refused(*failure);
    }
    // Only HS256: "none", other HMAC sizes and asymmetric algorithms never reach this key.
    const auto* alg = jws.header.if_contains("alg");
    if (alg == nullptr || !alg->is_string() || alg->get_string() != "HS256") {
        return JwtResult::refused(JwtFailure::unsupported_algorithm);
    }

    const auto mac = hmac_sha256(secret_, jws.signing_input);
    if (jws.signature.size() != mac.size() ||
        CRYPTO_memcmp(mac.data(), jws.signature.data(), mac.size()) != 0) {
        return JwtResult::refused(JwtFailure::bad_signature);
    }
    return detail::check_claims(jws.payload, options_, clock_());
}

}  // namespace taskcore
