// The MCP methods (initialize, server/discover, ping, tools/list, tools/call) and the answer to
// one POST (single messages and batches); framing is mcp_message, revision checks mcp_revisions.
#include "mcp/mcp_protocol.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>

#include "http/response_headers.hpp"
#include "mcp/mcp_errors.hpp"
#include "mcp/mcp_message.hpp"
#include "mcp/mcp_revisions.hpp"
#include "mcp/mcp_tool_call.hpp"
#include "mcp/mcp_tools.hpp"
#include "ops/logger.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/json/codec.hpp"
#include "taskcore/json/requests.hpp"
#include "taskcore/version.hpp"

namespace taskcore::server::mcp {
namespace {

namespace bj = boost::json;

constexpr std::string_view kServerInfoKey = "io.modelcontextprotocol/serverInfo";
// How long a 2026-era client may cache tools/list and server/discover: the tools change only
// with a new build, and a rolling upgrade should be picked up within minutes.
constexpr std::int64_t kListTtlMs = 300'000;

constexpr std::string_view kInstructions =
    "Manages the signed-in user's tasks and chat history. Every tool acts only on the data of "
    "the user whose token authorised this connection; ids come from the add/create and list "
    "tools. Times are RFC 3339 (e.g. 2026-12-24T18:00:00Z).";

bj::object server_info() {
    return bj::object{
        {"name", "taskcore"}, {"title", "taskcore tasks and chat history"}, {"version", kVersion}};
}

bj::object tools_capability() {
    return bj::object{{"tools", bj::object{{"listChanged", false}}}};
}

bj::object initialize_result(const Message& m) {
    const auto* requested = m.params.if_contains("protocolVersion");
    if (requested == nullptr || !requested->is_string())
        fail(RpcErrorKind::invalid_params, "'protocolVersion' (a string) is required");
    // Echo a revision we serve; otherwise offer our newest 2025-era one (the client decides).
    const std::string_view version = contains(kLegacyVersions, requested->as_string())
                                         ? std::string_view(requested->as_string())
                                         : kLegacyVersions.front();
    return bj::object{{"protocolVersion", version},
                      {"capabilities", tools_capability()},
                      {"serverInfo", server_info()},
                      {"instructions", kInstructions}};
}

bj::object discover_result() {
    return bj::object{{"supportedVersions", supported_versions()},
                      {"capabilities", tools_capability()},
                      {"instructions", kInstructions},
                      {"ttlMs", kListTtlMs},
                      {"cacheScope", "public"}};
}

// The 2026 members every result carries, appended to a result object's JSON text.
void stamp_modern(std::string& result) {
    result.pop_back();  // the closing brace
    if (result.size() > 1) result.push_back(',');
    // The same bytes on every 2026 result: serialized once, not per response.
    static const std::string members = R"("resultType":"complete","_meta":)" +
                                       bj::serialize(bj::object{{kServerInfoKey, server_info()}}) +
                                       "}";
    result += members;
}

// The result (JSON text) of a request, or nullopt for a notification (which gets no response).
Awaitable<std::optional<std::string>> run(Exchange& ex, const Message& m) {
    if (m.notification) co_return std::nullopt;  // initialized, cancelled, ...: nothing to do
    std::string text;
    bj::object result;
    if (m.method == "tools/call") {
        text = co_await call_tool(ex, m);
    } else if (m.method == "tools/list") {
        result = bj::object{{"tools", tool_list()}};
        if (m.modern) {
            result["ttlMs"] = kListTtlMs;
            result["cacheScope"] = "public";
        }
    } else if (m.method == "ping") {
        // empty result
    } else if (m.method == "initialize" && !m.modern) {
        result = initialize_result(m);
    } else if (m.method == "server/discover" && m.modern) {
        result = discover_result();
    } else {
        fail(RpcErrorKind::method_not_found, "method not found: " + m.method);
    }
    if (text.empty()) text = bj::serialize(result);
    if (m.modern) stamp_modern(text);
    co_return text;
}

bj::object error_response(const bj::value& id, const RpcError& e) {
    bj::object error{{"code", rpc_error_info(e.kind).code}, {"message", e.what()}};
    if (!e.data.is_null()) error["data"] = e.data;
    return bj::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

struct Answered {
    std::optional<std::string> response;  // JSON text; nullopt: a notification
    http::status status = http::status::ok;
};

Awaitable<Answered> answer_one(Exchange& ex, const bj::value& raw, bool batch) {
    Message m;
    std::optional<RpcError> error;
    try {
        read_message(raw, m);
        if (m.modern) {
            check_modern(m, ex.request, batch);
        } else {
            check_legacy(m, ex.request);
        }
    } catch (const RpcError& e) {
        error = e;
    }
    std::optional<std::string> result;
    if (!error) {
        try {
            result = co_await run(ex, m);
        } catch (const RpcError& e) {
            error = e;
        }
    }
    if (error) {
        const auto status = rpc_error_info(error->kind).status;
        // A notification gets no response; a single one refused before dispatch still learns
        // why through the HTTP status and an id-less error (Streamable HTTP allows that).
        if (m.notification && (batch || status == http::status::ok)) co_return Answered{};
        co_return Answered{
            bj::serialize(error_response(m.notification ? bj::value(nullptr) : m.id, *error)),
            status};
    }
    if (!result) co_return Answered{};
    co_return Answered{
        R"({"jsonrpc":"2.0","id":)" + bj::serialize(m.id) + R"(,"result":)" + *result + "}",
        http::status::ok};
}

// Why the call `raw` of a batch may not run (nullopt: it may); `answered` is the size of the
// batch's answer so far, `calls` the calls already let through. Calls only: a notification
// does nothing, so it costs nothing.
std::optional<RpcError> batch_refusal(Exchange& ex, const bj::value& raw, std::size_t answered,
                                      std::size_t& calls) {
    const auto* object = raw.if_object();
    if (object == nullptr || !object->contains("id")) return std::nullopt;
    if (answered >= kMaxBatchAnswerBytes) {
        return RpcError(RpcErrorKind::answer_too_large,
                        "not run: this batch's answer reached " +
                            std::to_string(kMaxBatchAnswerBytes) +
                            " bytes; send the rest in another request");
    }
    if (calls++ == 0 || !ex.take_token) return std::nullopt;  // the POST's own token
    const auto rate = ex.take_token();
    if (rate.allowed) return std::nullopt;
    return RpcError(RpcErrorKind::rate_limited,
                    "too many requests; retry in " + std::to_string(rate.retry_after_s) + " s",
                    bj::object{{"retry_after_s", rate.retry_after_s}});
}

// The answer to a call refused before it ran.
std::string refused(const bj::value& raw, const RpcError& e) {
    return bj::serialize(error_response(raw.as_object().at("id"), e));
}

McpAnswer error_answer(RpcErrorKind kind, const std::string& message) {
    return {rpc_error_info(kind).status,
            bj::serialize(error_response(nullptr, RpcError(kind, message)))};
}

}  // namespace

Awaitable<McpAnswer> answer(Exchange& ex, std::string_view body) {
    if (body.empty())
        co_return error_answer(RpcErrorKind::invalid_request,
                               "the body must be a JSON-RPC message");
    bj::value parsed;
    try {
        parsed = json::parse_body(body);
    } catch (const json::MalformedJsonError& e) {
        co_return error_answer(RpcErrorKind::parse_error, std::string("parse error: ") + e.what());
    }
    if (!parsed.is_array()) {
        auto one = co_await answer_one(ex, parsed, false);
        if (!one.response) co_return McpAnswer{http::status::accepted, {}};
        co_return McpAnswer{one.status, std::move(*one.response)};
    }
    const auto& batch = parsed.as_array();
    if (batch.empty())
        co_return error_answer(RpcErrorKind::invalid_request, "an empty batch is not a request");
    if (batch.size() > kMaxBatchMessages) {
        co_return error_answer(RpcErrorKind::invalid_request,
                               "a batch holds at most " + std::to_string(kMaxBatchMessages) +
                                   " messages; this one holds " + std::to_string(batch.size()));
    }
    std::string responses;
    std::size_t calls = 0;
    std::optional<RpcError> refusal;  // once a call is refused, so is every later one
    for (const auto& raw : batch) {
        if (!refusal) refusal = batch_refusal(ex, raw, responses.size(), calls);
        const bool is_call = raw.is_object() && raw.as_object().contains("id");
        // Not a conditional expression: g++ 12 frees a co_await operand of ?: twice.
        Answered one;
        if (refusal && is_call) {
            one = Answered{refused(raw, *refusal)};
        } else {
            one = co_await answer_one(ex, raw, true);
        }
        if (!one.response) continue;
        responses += responses.empty() ? "[" : ",";
        responses += *one.response;
    }
    if (responses.empty()) co_return McpAnswer{http::status::accepted, {}};
    co_return McpAnswer{http::status::ok, responses + "]"};
}

}  // namespace taskcore::server::mcp
