// Verification of bearer JWTs (HS256 shared secret and/or JWKS public keys) down to the user id.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "taskcore/auth/jwk.hpp"

namespace taskcore {

// Why a token was refused, in detail: for logs and tests (public_reason is what clients see).
enum class JwtFailure {
    too_large,
    malformed,  // not three base64url segments of JSON objects
    unsupported_algorithm,
    critical_header,  // a "crit" header the verifier cannot honour
    bad_signature,
    unknown_key,   // no JWKS key with the token's kid (after a rate-limited refetch)
    key_mismatch,  // alg differs from the key's alg, or does not fit its type/curve
    missing_expiry,
    bad_time_claim,  // exp/nbf/iat present but not a JSON number
    expired,
    not_yet_valid,
    issued_in_future,
    wrong_issuer,
    wrong_audience,
    missing_user,
    bad_user,
};

std::string_view to_string(JwtFailure failure);

// The reason a caller may be told (RFC 6750 error_description and the 401 message): one of a
// few fixed phrases ("token expired", "signature invalid", "issuer not accepted", ...), never
// anything taken from the token itself. Claims are only judged after the signature verified, so
// an unsigned token cannot learn which of its claims would pass.
std::string_view public_reason(JwtFailure failure);

struct JwtOptions {
    std::optional<std::string> issuer;
    std::optional<std::string> audience;
    std::chrono::seconds leeway{30};
    std::size_t max_token_bytes = 8192;
};

// Either the authenticated user id or the reason for refusal.
struct JwtResult {
    std::string user_id;
    std::optional<JwtFailure> failure;
    // The token's exp (accepted tokens always have one): long-lived uses such as an event
    // stream end there.
    std::chrono::system_clock::time_point expires_at{};

    [[nodiscard]] bool ok() const { return !failure.has_value(); }
    static JwtResult success(std::string user, std::chrono::system_clock::time_point expires_at) {
        return {std::move(user), std::nullopt, expires_at};
    }
    static JwtResult refused(JwtFailure f) { return {{}, f, {}}; }
};

using WallClock = std::function<std::chrono::system_clock::time_point()>;

// Each token is routed by its alg to exactly one path: "HS256" to the shared secret, the
// asymmetric algorithms to the JWKS keys; anything else (none, HS384, ...) is refused.
class JwtVerifier {
  public:
    // HS256 only. `secret` is the raw bytes of BETTER_AUTH_SECRET. No clock: the system clock.
    JwtVerifier(std::string secret, JwtOptions options, WallClock clock = {});
    // Either or both modes: a shared secret and/or a source of JWKS keys.
    JwtVerifier(std::optional<std::string> secret, std::shared_ptr<KeySource> keys,
                JwtOptions options, WallClock clock = {});

    [[nodiscard]] JwtResult verify(std::string_view token) const;

  private:
    std::optional<std::string> secret_;
    std::shared_ptr<KeySource> keys_;
    JwtOptions options_;
    WallClock clock_;
};

}  // namespace taskcore
