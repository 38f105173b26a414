// Strict base64url (RFC 4648 §5) without padding, as JWS compact serialization uses it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace taskcore {

std::string base64url_encode(std::string_view bytes);

// Rejects padding, characters outside the URL-safe alphabet, impossible lengths and non-zero
// unused trailing bits (so every byte string has exactly one accepted encoding).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace taskcore
