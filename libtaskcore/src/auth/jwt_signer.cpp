// HS256 signing, the counterpart of JwtVerifier's shared-secret path.
#include "taskcore/auth/jwt_signer.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/serialize.hpp>
#include <stdexcept>

#include "taskcore/auth/base64url.hpp"

namespace taskcore {

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
             &len) == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<const char*>(mac), len);
}

std::string sign_hs256(const boost::json::object& claims, std::string_view secret) {
    std::string token = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
    token += '.';
    token += base64url_encode(boost::json::serialize(claims));
    const auto signature = hmac_sha256(secret, token);
    token += '.';
    token += base64url_encode(signature);
    return token;
}

}  // namespace taskcore
