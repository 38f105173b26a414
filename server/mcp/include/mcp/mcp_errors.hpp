// Every JSON-RPC error the MCP endpoint answers with: code, and the HTTP status it travels with
// when it is raised before a method runs (the transport's rejections) or in-band (HTTP 200).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "http/http_types.hpp"

namespace taskcore::server::mcp {

enum class RpcErrorKind : std::uint8_t {
    parse_error,
    invalid_request,
    method_not_found,
    invalid_params,
    envelope_invalid,  // -32602 too, but raised before dispatch: HTTP 400
    internal_error,
    header_mismatch,
    unsupported_protocol_version,
    rate_limited,      // a call of a batch past the user's rate limit
    answer_too_large,  // a call of a batch after its answer reached kMaxBatchAnswerBytes
};

struct RpcErrorInfo {
    RpcErrorKind kind;
    int code;
    http::status status;  // of a single (non-batch) message answered with this error
    std::string_view when;
};

// Indexed by RpcErrorKind. -32020 and -32022 are the codes protocol revision 2026-07-28 assigns;
// -32029 and -32030 are ours (JSON-RPC leaves -32000..-32099 to the server).
inline constexpr std::array<RpcErrorInfo, 10> kRpcErrors{{
    {RpcErrorKind::parse_error, -32700, http::status::bad_request, "the body is not JSON"},
    {RpcErrorKind::invalid_request, -32600, http::status::bad_request,
     "not a JSON-RPC 2.0 request or notification"},
    {RpcErrorKind::method_not_found, -32601, http::status::ok, "no such method"},
    {RpcErrorKind::invalid_params, -32602, http::status::ok,
     "params of the wrong shape: unknown tool, wrong argument types, unknown arguments"},
    {RpcErrorKind::envelope_invalid, -32602, http::status::bad_request,
     "a 2026-07-28 request whose _meta envelope is missing or malformed"},
    {RpcErrorKind::internal_error, -32603, http::status::ok, "an unexpected failure"},
    {RpcErrorKind::header_mismatch, -32020, http::status::bad_request,
     "MCP-Protocol-Version, Mcp-Method or Mcp-Name missing or disagreeing with the body"},
    {RpcErrorKind::unsupported_protocol_version, -32022, http::status::bad_request,
     "a protocol revision this server does not serve"},
    {RpcErrorKind::rate_limited, -32029, http::status::too_many_requests,
     "a call of a batch past the user's rate limit (data: retry_after_s); the rest of the batch "
     "is refused the same way"},
    {RpcErrorKind::answer_too_large, -32030, http::status::ok,
     "a call of a batch not run: the batch's answer already holds kMaxBatchAnswerBytes"},
}};

constexpr const RpcErrorInfo& rpc_error_info(RpcErrorKind kind) {
    return kRpcErrors[static_cast<std::size_t>(kind)];
}

// A JSON-RPC error raised while handling one message; `data` is sent when not null.
struct RpcError : std::runtime_error {
    RpcError(RpcErrorKind kind_, const std::string& message, boost::json::value data_ = nullptr)
        : std::runtime_error(message), kind(kind_), data(std::move(data_)) {}

    RpcErrorKind kind;
    boost::json::value data;
};

// Ends the handling of a message with that error.
[[noreturn]] inline void fail(RpcErrorKind kind, const std::string& message,
                              boost::json::value data = nullptr) {
    throw RpcError(kind, message, std::move(data));
}

}  // namespace taskcore::server::mcp
