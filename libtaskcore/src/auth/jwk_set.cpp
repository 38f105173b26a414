// Key sets chosen by `kid` (RFC 7517 JWKS) and the JWS algorithm names a public key may verify.
#include <boost/json.hpp>

#include "taskcore/auth/jwk.hpp"

namespace taskcore {

namespace bj = boost::json;

std::optional<JwsAlgorithm> parse_jws_algorithm(std::string_view name) {
    if (name == "EdDSA" || name == "Ed25519") return JwsAlgorithm::EdDSA;
    if (name == "ES256") return JwsAlgorithm::ES256;
    if (name == "ES384") return JwsAlgorithm::ES384;
    if (name == "ES512") return JwsAlgorithm::ES512;
    if (name == "RS256") return JwsAlgorithm::RS256;
    if (name == "RS512") return JwsAlgorithm::RS512;
    if (name == "PS256") return JwsAlgorithm::PS256;
    return std::nullopt;
}

std::string_view to_string(JwsAlgorithm alg) {
    switch (alg) {
        case JwsAlgorithm::EdDSA:
            return "EdDSA";
        case JwsAlgorithm::ES256:
            return "ES256";
        case JwsAlgorithm::ES384:
            return "ES384";
        case JwsAlgorithm::ES512:
            return "ES512";
        case JwsAlgorithm::RS256:
            return "RS256";
        case JwsAlgorithm::RS512:
            return "RS512";
        case JwsAlgorithm::PS256:
            return "PS256";
    }
    return "?";
}

JwkSet JwkSet::parse(std::string_view jwks_json) {
    boost::system::error_code ec;
    const bj::value doc = bj::parse(jwks_json, ec);
    if (ec || !doc.is_object()) throw InvalidJwkError("JWKS is not a JSON object");
    const auto* keys = doc.get_object().if_contains("keys");
    if (keys == nullptr || !keys->is_array()) throw InvalidJwkError("JWKS has no 'keys' array");
    JwkSet set;
    for (const auto& item : keys->get_array()) {
        try {
            set.keys_.push_back(PublicKey::from_jwk(bj::serialize(item)));
        } catch (const InvalidJwkError& e) {
            set.skipped_.emplace_back(e.what());
        }
    }
    return set;
}

const PublicKey* JwkSet::find(const std::optional<std::string>& kid) const {
    if (!kid) return keys_.size() == 1 ? &keys_.front() : nullptr;
    for (const auto& k : keys_) {
        if (k.kid() == *kid) return &k;
    }
    return nullptr;
}

}  // namespace taskcore
