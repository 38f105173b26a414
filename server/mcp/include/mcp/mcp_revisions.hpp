// The protocol revisions served and the per-request checks of each era: 2026-07-28 (the _meta
// envelope names a served revision and the MCP-Protocol-Version, Mcp-Method and Mcp-Name headers
// mirror the body) and 2025 (after initialize, the MCP-Protocol-Version header).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include <boost/json.hpp>

#include "http/http_types.hpp"
#include "mcp/mcp_message.hpp"

namespace taskcore::server::mcp {

// Revisions served, newest first. The 2026 era negotiates per request through _meta; the 2025
// era through initialize, then the MCP-Protocol-Version header.
inline constexpr std::array<std::string_view, 1> kModernVersions{"2026-07-28"};
inline constexpr std::array<std::string_view, 3> kLegacyVersions{"2025-11-25", "2025-06-18",
                                                                 "2025-03-26"};

template <std::size_t N>
inline bool contains(const std::array<std::string_view, N>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// Every revision served, newest first (for errors and server/discover).
boost::json::array supported_versions();

// Both throw RpcError.
void check_modern(const Message& m, const Request& request, bool batch);
void check_legacy(const Message& m, const Request& request);

}  // namespace taskcore::server::mcp
