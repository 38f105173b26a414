// Splitting and decoding a compact JWS, and the claim checks every verification path shares.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "taskcore/auth/jwt_verifier.hpp"

namespace taskcore::detail {

struct CompactJws {
    boost::json::object header;
    boost::json::object payload;
    std::string_view signing_input;  // "header.payload", what the signature covers
    std::string signature;           // decoded bytes
};

// Fills `out` or returns the reason the token is structurally unacceptable.
std::optional<JwtFailure> parse_compact_jws(std::string_view token, std::size_t max_bytes,
                                            CompactJws& out);

// exp/nbf/iat, iss, aud and the user id claim; identical for every signing algorithm.
JwtResult check_claims(const boost::json::object& payload, const JwtOptions& options,
                       std::chrono::system_clock::time_point now);

}  // namespace taskcore::detail
