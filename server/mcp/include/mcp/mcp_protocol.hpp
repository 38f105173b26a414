// The MCP Streamable HTTP exchange as a function of one POST: JSON-RPC 2.0 framing (batches,
// notifications), the two protocol revisions (2025-11-25 with initialize, 2026-07-28 with a
// per-request _meta envelope and mirrored headers), and dispatch to the tools. Stateless: no
// session id, so any instance can answer any request.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/async_services.hpp"
#include "http/http_types.hpp"
#include "http/rate_limiter.hpp"

namespace taskcore::server::mcp {

// One POST's bounds, so its memory stays bounded whatever the batch holds: at most this many
// messages in a batch (more is -32600 for the whole batch), and no call of a batch runs once its
// answer holds this many bytes (those get -32030; the answer is then at most this plus one
// call's result, which the tools' page limits bound).
inline constexpr std::size_t kMaxBatchMessages = 50;
inline constexpr std::size_t kMaxBatchAnswerBytes = std::size_t{4} * 1024 * 1024;

enum class ToolOutcome : std::uint8_t { ok, tool_error, invalid_params, internal_error };
inline constexpr std::array<std::string_view, 4> kToolOutcomes{"ok", "tool_error", "invalid_params",
                                                               "internal_error"};

// One tools/call, for the access log and the metrics. `tool` indexes tool_table(); its size
// stands for an unknown tool name.
struct ToolCallRecord {
    std::size_t tool;
    ToolOutcome outcome;
};

struct Exchange {
    const Request& request;  // its headers are cross-checked against the body
    AsyncServices& services;
    const std::string& user;  // the bearer token's user
    std::vector<ToolCallRecord>& calls;
    // Takes one token of the user's rate limit for each call of a batch after the first (the
    // POST took one); empty when limits are off. A REST request and an MCP call cost the same.
    std::function<RateDecision()> take_token;
};

// The HTTP answer: a JSON-RPC response (or batch of them), or 202 with no body when every
// message was a notification.
struct McpAnswer {
    http::status status = http::status::ok;
    std::string body;
};

// Never throws for anything a client sends: every failure is a JSON-RPC error in the answer.
Awaitable<McpAnswer> answer(Exchange& exchange, std::string_view body);

}  // namespace taskcore::server::mcp
