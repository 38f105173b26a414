// The keyed hash that stands for a user in JSON access logs: lines of one user can be grouped
// without the log holding the user id.
#pragma once

#include <string>
#include <string_view>

#include "ops/config.hpp"

namespace taskcore::server {

class UserHasher {
  public:
    // The key: LOG_USER_HASH_KEY, else one derived from BETTER_AUTH_SECRET (so instances sharing
    // the secret agree), else random for this process.
    explicit UserHasher(const Config& config);

    // 16 hex digits of HMAC-SHA256(key, user); empty for an empty user.
    [[nodiscard]] std::string operator()(std::string_view user) const;

  private:
    std::string key_;
};

}  // namespace taskcore::server
