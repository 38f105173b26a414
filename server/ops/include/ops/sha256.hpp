// SHA-256 as lowercase hex: the fingerprint of a keyed request (REST and MCP alike).
#pragma once

#include <string>
#include <string_view>

namespace taskcore::server {

std::string sha256_hex(std::string_view data);

}  // namespace taskcore::server
