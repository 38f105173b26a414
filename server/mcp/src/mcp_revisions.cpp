// The per-request revision checks of the MCP endpoint (header against body, served revisions).
#include "mcp/mcp_revisions.hpp"

#include <optional>
#include <string>

#include "http/response_headers.hpp"
#include "mcp/mcp_errors.hpp"
#include "taskcore/auth/base64url.hpp"

namespace taskcore::server::mcp {
namespace {

namespace bj = boost::json;

// A header value fit to quote back in a message: printable ASCII of a sane length, else a
// placeholder (headers are bytes; the answer must stay valid UTF-8 JSON).
std::string shown(std::string_view header) {
    const bool printable =
        header.size() <= 128 &&
        std::all_of(header.begin(), header.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
    return printable ? std::string(header) : std::string("(not printable)");
}

// A header value sent with the "=?base64?...?=" sentinel (non-ASCII or edge white space).
std::optional<std::string> decode_header_value(std::string_view value) {
    constexpr std::string_view prefix = "=?base64?";
    constexpr std::string_view suffix = "?=";
    if (!value.starts_with(prefix) || !value.ends_with(suffix) ||
        value.size() < prefix.size() + suffix.size()) {
        return std::string(value);
    }
    std::string text(value.substr(prefix.size(), value.size() - prefix.size() - suffix.size()));
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (auto& c : text) {
        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
    }
    return base64url_decode(text);
}

}  // namespace

bj::array supported_versions() {
    bj::array out;
    for (const auto v : kModernVersions) out.emplace_back(v);
    for (const auto v : kLegacyVersions) out.emplace_back(v);
    return out;
}

// 2026-07-28: the envelope names a served revision, and the headers mirror the body.
void check_modern(const Message& m, const Request& request, bool batch) {
    const auto& meta = m.params.at("_meta").as_object();
    const auto& version = meta.at(kProtocolVersionKey);
    if (!version.is_string() || !contains(kModernVersions, version.as_string())) {
        fail(RpcErrorKind::unsupported_protocol_version,
             "unsupported protocol version; this server supports " +
                 bj::serialize(supported_versions()),
             bj::object{{"supported", supported_versions()}, {"requested", version}});
    }
    if (batch) {
        fail(RpcErrorKind::invalid_request,
             "protocol revision 2026-07-28 has no batches: send one request per POST");
    }
    const auto header_version = header_value(request, "MCP-Protocol-Version");
    if (!m.notification && header_version.empty())
        fail(RpcErrorKind::header_mismatch, "the MCP-Protocol-Version header is required");
    if (!header_version.empty() && header_version != version.as_string()) {
        fail(RpcErrorKind::header_mismatch, "the MCP-Protocol-Version header '" +
                                                shown(header_version) +
                                                "' differs from _meta's protocolVersion");
    }
    const auto* capabilities = meta.if_contains(kClientCapabilitiesKey);
    if (capabilities == nullptr || !capabilities->is_object()) {
        fail(RpcErrorKind::envelope_invalid,
             "_meta must carry an object '" + std::string(kClientCapabilitiesKey) + "'");
    }
    if (m.notification) return;
    const auto method_header = header_value(request, "Mcp-Method");
    if (method_header.empty())
        fail(RpcErrorKind::header_mismatch, "the Mcp-Method header is required");
    if (method_header != m.method) {
        fail(RpcErrorKind::header_mismatch,
             "the Mcp-Method header '" + shown(method_header) + "' differs from the body's method");
    }
    if (m.method == "tools/call") {
        const auto* name = m.params.if_contains("name");
        const auto sent = header_value(request, "Mcp-Name");
        if (sent.empty()) fail(RpcErrorKind::header_mismatch, "the Mcp-Name header is required");
        const auto decoded = decode_header_value(sent);
        if (name == nullptr || !name->is_string() || !decoded || *decoded != name->as_string())
            fail(RpcErrorKind::header_mismatch, "the Mcp-Name header differs from params.name");
    }
}

// 2025 era: after initialize, MCP-Protocol-Version names a served revision.
void check_legacy(const Message& m, const Request& request) {
    const auto header_version = header_value(request, "MCP-Protocol-Version");
    if (header_version.empty()) {
        if (m.method != "initialize" && !m.notification) {
            fail(RpcErrorKind::invalid_request,
                 "the MCP-Protocol-Version header is required after initialize");
        }
        return;
    }
    if (contains(kModernVersions, header_version)) {
        fail(RpcErrorKind::envelope_invalid, "a " + std::string(header_version) +
                                                 " request must carry params._meta with '" +
                                                 std::string(kProtocolVersionKey) + "' and '" +
                                                 std::string(kClientCapabilitiesKey) + "'");
    }
    if (!contains(kLegacyVersions, header_version)) {
        fail(RpcErrorKind::unsupported_protocol_version,
             "unsupported MCP-Protocol-Version '" + shown(header_version) + "'",
             bj::object{{"supported", supported_versions()}, {"requested", shown(header_version)}});
    }
}

}  // namespace taskcore::server::mcp
