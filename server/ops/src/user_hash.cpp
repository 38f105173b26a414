// Keyed user hashes for access logs.
#include "ops/user_hash.hpp"

#include "ops/random_key.hpp"
#include "taskcore/auth/jwt_signer.hpp"

namespace taskcore::server {

UserHasher::UserHasher(const Config& config) {
    if (config.log_user_hash_key) {
        key_ = *config.log_user_hash_key;
    } else if (config.better_auth_secret) {
        // One-way: the log key reveals nothing of the signing secret.
        key_ = hmac_sha256(*config.better_auth_secret, "taskcore access-log user hash");
    } else {
        key_ = random_key();
    }
}

std::string UserHasher::operator()(std::string_view user) const {
    if (user.empty()) return {};
    static constexpr char kHex[] = "0123456789abcdef";
    const auto mac = hmac_sha256(key_, user);
    std::string out;
    for (std::size_t i = 0; i < 8; ++i) {
        const auto byte = static_cast<unsigned char>(mac[i]);
        out += kHex[byte >> 4];
        out += kHex[byte & 0x0f];
    }
    return out;
}

}  // namespace taskcore::server
