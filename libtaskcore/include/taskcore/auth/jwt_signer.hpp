// Minting HS256 JWTs with the shared secret (for the seed tool, scripts and tests).
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace taskcore {

// Compact JWS with header {"alg":"HS256","typ":"JWT"} over the given claims.
std::string sign_hs256(const boost::json::object& claims, std::string_view secret);

// The raw HMAC-SHA256 of `data` (32 bytes).
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace taskcore
