// JSON-RPC 2.0 framing of one MCP message and the era it belongs to.
#include "mcp/mcp_message.hpp"

#include "mcp/mcp_errors.hpp"

namespace taskcore::server::mcp {

namespace bj = boost::json;

void read_message(const bj::value& raw, Message& m) {
    if (!raw.is_object())
        fail(RpcErrorKind::invalid_request, "a JSON-RPC message must be an object");
    const auto& obj = raw.as_object();
    if (const auto* id = obj.if_contains("id")) {
        if (id->is_string() || id->is_int64() || id->is_uint64()) {
            m.id = *id;
        } else {
            fail(RpcErrorKind::invalid_request, "'id' must be a string or an integer");
        }
    }
    const auto* version = obj.if_contains("jsonrpc");
    if (version == nullptr || !version->is_string() || version->as_string() != "2.0")
        fail(RpcErrorKind::invalid_request, "'jsonrpc' must be \"2.0\"");
    const auto* method = obj.if_contains("method");
    if (method == nullptr) {
        fail(RpcErrorKind::invalid_request,
             obj.contains("result") || obj.contains("error")
                 ? "this server sends no requests, so it takes no responses"
                 : "'method' is required");
    }
    if (!method->is_string()) fail(RpcErrorKind::invalid_request, "'method' must be a string");
    m.method = method->as_string();
    if (const auto* params = obj.if_contains("params")) {
        if (!params->is_object()) fail(RpcErrorKind::invalid_params, "'params' must be an object");
        m.params = params->as_object();
    }
    if (const auto* meta = m.params.if_contains("_meta"); meta && meta->is_object()) {
        m.modern = meta->as_object().contains(kProtocolVersionKey);
    }
    // Only a well-formed message without an id is a notification; a malformed one is answered.
    m.notification = !obj.contains("id");
}

}  // namespace taskcore::server::mcp
