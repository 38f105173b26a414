// JWK -> EVP_PKEY (OpenSSL 3 provider APIs only) and JWS signature verification.
#include "taskcore/auth/jwk.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <boost/json.hpp>

#include "taskcore/auth/base64url.hpp"

namespace taskcore {
namespace {

namespace bj = boost::json;

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

enum class KeyKind { ed25519, ec, rsa };

struct Curve {
    const char* jwk_name;
    const char* ossl_name;
    int nid;
    std::size_t coordinate_bytes;
    JwsAlgorithm alg;
};

constexpr Curve kCurves[] = {
    {"P-256", "prime256v1", NID_X9_62_prime256v1, 32, JwsAlgorithm::ES256},
    {"P-384", "secp384r1", NID_secp384r1, 48, JwsAlgorithm::ES384},
    {"P-521", "secp521r1", NID_secp521r1, 66, JwsAlgorithm::ES512},
};

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

std::string member(const bj::object& jwk, std::string_view name) {
    const auto* v = jwk.if_contains(name);
    if (v == nullptr || !v->is_string()) {
        throw InvalidJwkError("JWK member '" + std::string(name) + "' missing or not a string");
    }
    return std::string(v->get_string());
}

std::string decoded_member(const bj::object& jwk, std::string_view name) {
    auto raw = base64url_decode(member(jwk, name));
    if (!raw || raw->empty()) {
        throw InvalidJwkError("JWK member '" + std::string(name) + "' is not base64url");
    }
    return std::move(*raw);
}

BnPtr to_bn(std::string_view big_endian) {
    BnPtr bn(BN_bin2bn(bytes(big_endian), static_cast<int>(big_endian.size()), nullptr));
    if (!bn) throw InvalidJwkError("out of memory building a key");
    return bn;
}

PkeyPtr from_params(const char* type, OSSL_PARAM_BLD* builder) {
    ParamPtr params(OSSL_PARAM_BLD_to_param(builder));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        throw InvalidJwkError(std::string("OpenSSL rejected the ") + type + " key");
    }
    return PkeyPtr(raw);
}

const EVP_MD* digest_for(JwsAlgorithm alg) {
    switch (alg) {
        case JwsAlgorithm::ES256:
        case JwsAlgorithm::RS256:
        case JwsAlgorithm::PS256:
            return EVP_sha256();
        case JwsAlgorithm::ES384:
            return EVP_sha384();
        case JwsAlgorithm::ES512:
        case JwsAlgorithm::RS512:
            return EVP_sha512();
        case JwsAlgorithm::EdDSA:
            return nullptr;  // Ed25519 hashes internally
    }
    return nullptr;
}

// What a parsed public key holds; PublicKey::Impl is exactly this.
struct KeyMaterial {
    PkeyPtr pkey;
    KeyKind kind = KeyKind::ed25519;
    const Curve* curve = nullptr;  // EC only
    BnPtr order;                   // EC only: signatures need 0 < r, s < order
};

KeyMaterial okp_key(const bj::object& jwk) {
    if (member(jwk, "crv") != "Ed25519") throw InvalidJwkError("OKP curve is not Ed25519");
    const auto x = decoded_member(jwk, "x");
    if (x.size() != 32) throw InvalidJwkError("Ed25519 x must be 32 bytes");
    KeyMaterial key;
    key.kind = KeyKind::ed25519;
    key.pkey.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(x), x.size()));
    if (!key.pkey) throw InvalidJwkError("OpenSSL rejected the Ed25519 key");
    return key;
}

KeyMaterial ec_key(const bj::object& jwk) {
    KeyMaterial key;
    const auto crv = member(jwk, "crv");
    for (const auto& c : kCurves) {
        if (crv == c.jwk_name) key.curve = &c;
    }
    if (key.curve == nullptr) throw InvalidJwkError("EC curve '" + crv + "' is not supported");
    const auto x = decoded_member(jwk, "x");
    const auto y = decoded_member(jwk, "y");
    if (x.size() != key.curve->coordinate_bytes || y.size() != key.curve->coordinate_bytes) {
        throw InvalidJwkError("EC coordinates have the wrong length for " + crv);
    }
    const std::string point = "\x04" + x + y;  // uncompressed SEC1 point
    ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder ||
        OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                        key.curve->ossl_name, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1) {
        throw InvalidJwkError("cannot build EC key parameters");
    }
    key.pkey = from_params("EC", builder.get());
    PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
        throw InvalidJwkError("EC point is not on " + crv);
    }
    key.kind = KeyKind::ec;
    EcGroupPtr group(EC_GROUP_new_by_curve_name(key.curve->nid));
    if (!group) throw InvalidJwkError("unknown EC group");
    key.order.reset(BN_dup(EC_GROUP_get0_order(group.get())));
    return key;
}

KeyMaterial rsa_key(const bj::object& jwk) {
    const auto n = to_bn(decoded_member(jwk, "n"));
    const auto e = to_bn(decoded_member(jwk, "e"));
    ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
        throw InvalidJwkError("cannot build RSA key parameters");
    }
    KeyMaterial key;
    key.pkey = from_params("RSA", builder.get());
    if (EVP_PKEY_get_bits(key.pkey.get()) < 2048) {
        throw InvalidJwkError("RSA keys must have at least 2048 bits (RFC 7518 §3.3)");
    }
    key.kind = KeyKind::rsa;
    return key;
}

}  // namespace

struct PublicKey::Impl : KeyMaterial {
    explicit Impl(KeyMaterial m) : KeyMaterial(std::move(m)) {}
};

PublicKey PublicKey::from_jwk(std::string_view jwk_json) {
    boost::system::error_code ec;
    const bj::value parsed = bj::parse(jwk_json, ec);
    if (ec || !parsed.is_object()) throw InvalidJwkError("JWK is not a JSON object");
    const auto& jwk = parsed.get_object();

    PublicKey key;
    if (const auto* kid = jwk.if_contains("kid")) {
        if (!kid->is_string()) throw InvalidJwkError("JWK kid is not a string");
        key.kid_ = std::string(kid->get_string());
    }
    if (const auto* use = jwk.if_contains("use"); use != nullptr && *use != "sig") {
        throw InvalidJwkError("JWK use is not 'sig'");
    }
    if (const auto* alg = jwk.if_contains("alg")) {
        if (!alg->is_string()) throw InvalidJwkError("JWK alg is not a string");
        key.alg_ = parse_jws_algorithm(alg->get_string());
        if (!key.alg_) {
            throw InvalidJwkError("JWK alg '" + std::string(alg->get_string()) +
                                  "' is not supported");
        }
    }

    const auto kty = member(jwk, "kty");
    if (kty == "OKP") {
        key.impl_ = std::make_shared<const Impl>(okp_key(jwk));
    } else if (kty == "EC") {
        key.impl_ = std::make_shared<const Impl>(ec_key(jwk));
    } else if (kty == "RSA") {
        key.impl_ = std::make_shared<const Impl>(rsa_key(jwk));
    } else {
        throw InvalidJwkError("JWK kty '" + kty + "' is not a supported public key type");
    }
    if (key.alg_ && !key.accepts(*key.alg_)) {
        throw InvalidJwkError("JWK alg " + std::string(to_string(*key.alg_)) +
                              " does not fit its key");
    }
    return key;
}

bool PublicKey::accepts(JwsAlgorithm alg) const {
    if (alg_ && *alg_ != alg) return false;
    switch (impl_->kind) {
        case KeyKind::ed25519:
            return alg == JwsAlgorithm::EdDSA;
        case KeyKind::ec:
            return alg == impl_->curve->alg;
        case KeyKind::rsa:
            return alg == JwsAlgorithm::RS256 || alg == JwsAlgorithm::RS512 ||
                   alg == JwsAlgorithm::PS256;
    }
    return false;
}

bool PublicKey::verify(JwsAlgorithm alg, std::string_view signing_input,
                       std::string_view signature) const {
    if (!accepts(alg)) return false;
    std::string der;
    std::string_view to_check = signature;
    if (impl_->kind == KeyKind::ec) {
        // JWS carries R||S (RFC 7518 §3.4); OpenSSL wants DER. Zero or out-of-range
        // components are refused before OpenSSL sees them ("psychic signatures").
        const std::size_t n = impl_->curve->coordinate_bytes;
        if (signature.size() != 2 * n) return false;
        BnPtr r = to_bn(signature.substr(0, n));
        BnPtr s = to_bn(signature.substr(n));
        if (BN_is_zero(r.get()) || BN_is_zero(s.get()) ||
            BN_cmp(r.get(), impl_->order.get()) >= 0 || BN_cmp(s.get(), impl_->order.get()) >= 0) {
            return false;
        }
        EcdsaSigPtr sig(ECDSA_SIG_new());
        if (!sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return false;
        (void)r.release();  // now owned by sig
        (void)s.release();
        unsigned char* out = nullptr;
        const int len = i2d_ECDSA_SIG(sig.get(), &out);
        if (len <= 0) return false;
        der.assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
        OPENSSL_free(out);
        to_check = der;
    } else {
        // Ed25519 signatures are 64 bytes; RSA ones as long as the modulus.
        const auto expected = impl_->kind == KeyKind::ed25519
                                  ? std::size_t{64}
                                  : static_cast<std::size_t>(EVP_PKEY_get_size(impl_->pkey.get()));
        if (signature.size() != expected) return false;
    }

    MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx ||
        EVP_DigestVerifyInit(ctx.get(), &pctx, digest_for(alg), nullptr, impl_->pkey.get()) != 1) {
        return false;
    }
    if (alg == JwsAlgorithm::PS256 &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) != 1 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1)) {
        return false;
    }
    return EVP_DigestVerify(ctx.get(), bytes(to_check), to_check.size(), bytes(signing_input),
                            signing_input.size()) == 1;
}

}  // namespace taskcore
