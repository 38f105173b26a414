// Public JSON Web Keys (RFC 7517/7518/8037) as OpenSSL keys, and key sets chosen by `kid`.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "taskcore/domain/errors.hpp"

namespace taskcore {

// A signing algorithm a public key may verify. HMAC is deliberately absent: it never uses a JWK.
enum class JwsAlgorithm { EdDSA, ES256, ES384, ES512, RS256, RS512, PS256 };

// "EdDSA" (and "Ed25519", its fully-specified name), "ES256", ... ; nullopt for anything else.
std::optional<JwsAlgorithm> parse_jws_algorithm(std::string_view name);
std::string_view to_string(JwsAlgorithm alg);

class InvalidJwkError : public Error {
  public:
    explicit InvalidJwkError(const std::string& message) : Error(ErrorKind::invalid_key, message) {}
};

// An immutable public key: OKP/Ed25519, EC P-256/P-384/P-521 or RSA (>= 2048 bits).
class PublicKey {
  public:
    // Throws InvalidJwkError naming the problem (bad base64url, point not on the curve, ...).
    static PublicKey from_jwk(std::string_view jwk_json);

    [[nodiscard]] const std::string& kid() const { return kid_; }
    // True when `alg` fits this key's type and curve and, if the JWK declares an alg, equals it.
    [[nodiscard]] bool accepts(JwsAlgorithm alg) const;
    // Verifies a JWS signature (raw R||S for ECDSA, as JWS encodes it).
    [[nodiscard]] bool verify(JwsAlgorithm alg, std::string_view signing_input,
                              std::string_view signature) const;

    struct Impl;

  private:
    std::shared_ptr<const Impl> impl_;
    std::string kid_;
    std::optional<JwsAlgorithm> alg_;
};

class JwkSet {
  public:
    JwkSet() = default;
    // Parses {"keys": [...]}. Keys that are unusable (unknown kty, "use" other than "sig",
    // symmetric, malformed) are skipped and described in skipped(); a document that is not a
    // JWKS at all throws InvalidJwkError.
    static JwkSet parse(std::string_view jwks_json);

    // The key with this kid; with no kid, the only key if there is exactly one.
    [[nodiscard]] const PublicKey* find(const std::optional<std::string>& kid) const;
    [[nodiscard]] std::size_t size() const { return keys_.size(); }
    [[nodiscard]] const std::vector<std::string>& skipped() const { return skipped_; }

  private:
    std::vector<PublicKey> keys_;
    std::vector<std::string> skipped_;
};

// Where the verifier gets JWKS keys from. Implementations are thread-safe.
class KeySource {
  public:
    virtual ~KeySource() = default;
    // The keys known now (possibly empty, never null).
    virtual std::shared_ptr<const JwkSet> keys() = 0;
    // Called when a token names a kid that keys() lacks: may refetch (rate-limited) and wait a
    // bounded time for it; returns the keys known afterwards.
    virtual std::shared_ptr<const JwkSet> refresh_for_unknown_kid() = 0;
};

// A fixed key set (JWKS_FILE, tests).
class StaticKeySource final : public KeySource {
  public:
    explicit StaticKeySource(JwkSet keys)
        : keys_(std::make_shared<const JwkSet>(std::move(keys))) {}
    std::shared_ptr<const JwkSet> keys() override { return keys_; }
    std::shared_ptr<const JwkSet> refresh_for_unknown_kid() override { return keys_; }

  private:
    std::shared_ptr<const JwkSet> keys_;
};

}  // namespace taskcore
