// Test-only signing keys for every JWS algorithm, generated with OpenSSL, with their public JWKs.
#pragma once

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <boost/json.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "taskcore/auth/base64url.hpp"
#include "taskcore/auth/jwk.hpp"

namespace taskcore::testing {

class TestKey {
  public:
    // "EdDSA", "ES256", "ES384", "ES512", "RS256", "RS512", "PS256" (RSA: 2048 bits).
    explicit TestKey(const std::string& alg, std::string kid = "")
        : alg_(alg), kid_(std::move(kid)) {
        EVP_PKEY* key = nullptr;
        if (alg == "EdDSA") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        if (alg == "ES256") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        if (alg == "ES384") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
        if (alg == "ES512") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
        if (alg[0] == 'R' || alg[0] == 'P') {
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
        }
        if (key == nullptr) throw std::runtime_error("keygen failed for " + alg);
        key_.reset(key);
        if (kid_.empty()) kid_ = "kid-" + alg;
    }

    [[nodiscard]] const std::string& kid() const { return kid_; }

    // The public JWK; `with_alg` false leaves "alg" out.
    [[nodiscard]] boost::json::object jwk(bool with_alg = true) const {
        boost::json::object j{{"kid", kid_}};
        if (with_alg) j["alg"] = alg_;
        if (alg_ == "EdDSA") {
            unsigned char raw[32];
            std::size_t len = sizeof raw;
            EVP_PKEY_get_raw_public_key(key_.get(), raw, &len);
            j["kty"] = "OKP";
            j["crv"] = "Ed25519";
            j["x"] = base64url_encode(std::string(reinterpret_cast<char*>(raw), len));
        } else if (alg_[0] == 'E') {
            const std::size_t n = coordinate_bytes();
            j["kty"] = "EC";
            j["crv"] = alg_ == "ES256" ? "P-256" : alg_ == "ES384" ? "P-384" : "P-521";
            j["x"] = base64url_encode(bn_param(OSSL_PKEY_PARAM_EC_PUB_X, n));
            j["y"] = base64url_encode(bn_param(OSSL_PKEY_PARAM_EC_PUB_Y, n));
        } else {
            j["kty"] = "RSA";
            j["n"] = base64url_encode(bn_param(OSSL_PKEY_PARAM_RSA_N, 0));
            j["e"] = base64url_encode(bn_param(OSSL_PKEY_PARAM_RSA_E, 0));
        }
        return j;
    }

    // A JWS signature over `input` as `alg` would carry it (raw R||S for ECDSA).
    [[nodiscard]] std::string sign(const std::string& input, std::string alg = "") const {
        if (alg.empty()) alg = alg_;
        const EVP_MD* md = alg == "EdDSA"         ? nullptr
                           : alg.ends_with("256") ? EVP_sha256()
                           : alg.ends_with("384") ? EVP_sha384()
                                                  : EVP_sha512();
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    EVP_MD_CTX_free);
        EVP_PKEY_CTX* pctx = nullptr;
        if (EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key_.get()) != 1) {
            return std::string(64, 'x');  // this key cannot sign as `alg`: any bytes will do
        }
        if (alg == "PS256") {
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);
        }
        std::size_t len = 0;
        const auto* data = reinterpret_cast<const unsigned char*>(input.data());
        EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size());
        std::string sig(len, '\0');
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                       input.size());
        sig.resize(len);
        if (alg_[0] != 'E' || alg_ == "EdDSA") return sig;
        // DER -> R||S
        const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
        std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> ecdsa(
            d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())), ECDSA_SIG_free);
        const std::size_t n = coordinate_bytes();
        std::string raw(2 * n, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa.get()), reinterpret_cast<unsigned char*>(raw.data()),
                     static_cast<int>(n));
        BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa.get()),
                     reinterpret_cast<unsigned char*>(raw.data() + n), static_cast<int>(n));
        return raw;
    }

    // header.payload.signature with header {"alg", "kid"} (kid left out when empty).
    [[nodiscard]] std::string token(const boost::json::object& claims, std::string alg = "",
                                    std::optional<std::string> kid = std::nullopt,
                                    boost::json::object extra_header = {}) const {
        if (alg.empty()) alg = alg_;
        boost::json::object header{{"alg", alg}};
        const auto k = kid.value_or(kid_);
        if (!k.empty()) header["kid"] = k;
        for (auto& [name, value] : extra_header) header[name] = value;
        const auto input = base64url_encode(boost::json::serialize(header)) + "." +
                           base64url_encode(boost::json::serialize(claims));
        return input + "." + base64url_encode(sign(input, alg));
    }

  private:
    [[nodiscard]] std::size_t coordinate_bytes() const {
        return alg_ == "ES256" ? 32 : alg_ == "ES384" ? 48 : 66;
    }

    [[nodiscard]] std::string bn_param(const char* name, std::size_t pad) const {
        BIGNUM* bn = nullptr;
        EVP_PKEY_get_bn_param(key_.get(), name, &bn);
        const std::size_t size = pad != 0 ? pad : static_cast<std::size_t>(BN_num_bytes(bn));
        std::string out(size, '\0');
        BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size));
        BN_free(bn);
        return out;
    }

    struct Free {
        void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
    };
    std::unique_ptr<EVP_PKEY, Free> key_;
    std::string alg_;
    std::string kid_;
};

inline std::string jwks_of(std::initializer_list<const TestKey*> keys) {
    boost::json::array arr;
    for (const auto* k : keys) arr.push_back(k->jwk());
    return boost::json::serialize(boost::json::object{{"keys", std::move(arr)}});
}

}  // namespace taskcore::testing
