// One JSON-RPC message of an MCP POST: its framing checks (JSON-RPC 2.0) and its era (a
// 2026-07-28 _meta envelope or not).
#pragma once

#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace taskcore::server::mcp {

// The 2026-07-28 envelope's members (in params._meta).
inline constexpr std::string_view kProtocolVersionKey = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view kClientCapabilitiesKey =
    "io.modelcontextprotocol/clientCapabilities";

// One message being answered.
struct Message {
    boost::json::value id;  // null until read (and for notifications)
    bool notification = false;
    bool modern = false;  // carries the 2026-07-28 _meta envelope
    std::string method;
    boost::json::object params;
};

// Throws RpcError; `m` is filled as the checks pass (so an error about a later member still
// answers with the request's id).
void read_message(const boost::json::value& raw, Message& m);

}  // namespace taskcore::server::mcp
