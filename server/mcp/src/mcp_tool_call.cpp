// tools/call, from the name to the result; library errors answered through error_mapping.
#include "mcp/mcp_tool_call.hpp"

#include <boost/json.hpp>

#include <optional>

#include "http/error_mapping.hpp"
#include "mcp/mcp_arguments.hpp"
#include "mcp/mcp_errors.hpp"
#include "mcp/mcp_tools.hpp"
#include "mcp/mcp_write_safety.hpp"
#include "ops/logger.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/json/codec.hpp"

namespace taskcore::server::mcp {
namespace {

namespace bj = boost::json;

// A tools/call result as JSON text: the text block, isError, and (on success) the same JSON as
// structuredContent.
std::string tool_result(std::string_view text, bool is_error, bool structured) {
    std::string out = R"({"content":[{"type":"text","text":)";
    out.reserve(text.size() * 2 + 100);
    json::append_json_string(out, text);
    out += is_error ? R"(}],"isError":true)" : R"(}],"isError":false)";
    if (structured) {
        out += R"(,"structuredContent":)";
        out += text;
    }
    out.push_back('}');
    return out;
}

}  // namespace

Awaitable<std::string> call_tool(Exchange& ex, const Message& m) {
    const auto* name = m.params.if_contains("name");
    if (name == nullptr || !name->is_string())
        fail(RpcErrorKind::invalid_params, "'name' (the tool's name) is required");
    const Tool* tool = find_tool(name->as_string());
    if (tool == nullptr) {
        ex.calls.push_back({tool_table().size(), ToolOutcome::invalid_params});
        std::string names;
        for (const auto& t : tool_table())
            names += (names.empty() ? "" : ", ") + std::string(t.name);
        fail(RpcErrorKind::invalid_params,
             "unknown tool '" + std::string(name->as_string()) + "'; tools: " + names);
    }
    const auto index = tool_index(*tool);
    bj::object arguments;
    try {
        arguments = check_arguments(*tool, m.params.if_contains("arguments"));
    } catch (const RpcError&) {
        ex.calls.push_back({index, ToolOutcome::invalid_params});
        throw;
    }
    // Errors the model can act on are tool results (isError), not protocol errors.
    std::optional<std::string> tool_error;
    std::string value;
    try {
        // A named awaitable, not a temporary of the co_await expression (GCC 12, as above).
        auto running = run_tool(*tool, ex.services, ex.user, arguments);
        auto output = co_await std::move(running);
        if (output.is_error) {
            tool_error = std::move(output.text);
        } else {
            value = std::move(output.text);
        }
    } catch (const Error& e) {
        auto failure = describe_failure(e);
        if (failure.mcp == McpAs::tool_error) {
            tool_error = std::move(failure.tool_text);
        } else {
            log::error("tool " + std::string(tool->name) + " failed: " + e.what());
            ex.calls.push_back({index, ToolOutcome::internal_error});
            fail(RpcErrorKind::internal_error, "internal error");
        }
    } catch (const std::exception& e) {
        log::error("tool " + std::string(tool->name) + " failed: " + e.what());
        ex.calls.push_back({index, ToolOutcome::internal_error});
        fail(RpcErrorKind::internal_error, "internal error");
    }
    if (tool_error) {
        ex.calls.push_back({index, ToolOutcome::tool_error});
        co_return tool_result(*tool_error, true, false);
    }
    ex.calls.push_back({index, ToolOutcome::ok});
    co_return tool_result(value, false, true);
}

}  // namespace taskcore::server::mcp
