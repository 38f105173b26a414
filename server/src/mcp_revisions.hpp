// The protocol revisions served and the per-request checks of each era: 2026-07-28 (the _meta
// envelope names a served revision and the MCP-Protocol-Version, Mcp-Method and Mcp-Name headers
// mirror the body) and 2025 (after initialize, the MCP-Protocol-Version header).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include <boost/json.hpp>

#include "http_types.hpp"
#include "mcp_message.hpp"

namespace taskcore::server::mcp {

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
