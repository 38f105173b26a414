// What the MCP tests share: a fixture that posts 2025- and 2026-era messages and calls tools
// in-process, and readers of a JSON-RPC error.
#pragma once

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "api_support.hpp"

namespace taskcore::testing {

inline constexpr std::string_view kModernMeta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}})";

inline std::string field(const server::Response& res, std::string_view name) {
    const auto it = res.find(name);
    return it == res.end() ? std::string("<absent>") : std::string(it->value());
}

struct McpFixture : ApiFixture {
    // A 2025-era POST (after initialize: the MCP-Protocol-Version header is set).
    server::Response legacy(const std::string& body,
                            std::map<std::string, std::string> headers = {},
                            const std::string& user = "alice") {
        headers.emplace("MCP-Protocol-Version", "2025-11-25");
        return call(boost::beast::http::verb::post, "/mcp", body, headers, user);
    }
    // A 2026-era request: the envelope in params, the headers mirroring the body.
    server::Response modern(const std::string& method, const std::string& params_fields,
                            std::map<std::string, std::string> headers = {},
                            const std::string& user = "alice") {
        headers.emplace("MCP-Protocol-Version", "2026-07-28");
        headers.emplace("Mcp-Method", method);
        const std::string body =
            R"({"jsonrpc":"2.0","id":7,"method":")" + method + R"(","params":{)" + params_fields +
            (params_fields.empty() ? "" : ",") + std::string(kModernMeta) + "}}";
        return call(boost::beast::http::verb::post, "/mcp", body, headers, user);
    }
    boost::json::object tool(const std::string& name, const std::string& arguments,
                             const std::string& user = "alice") {
        const auto res =
            legacy(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":")" + name +
                       R"(","arguments":)" + arguments + "}}",
                   {}, user);
        REQUIRE(res.result() == boost::beast::http::status::ok);
        return json(res).as_object();
    }
};

inline std::int64_t error_code(const server::Response& res) {
    return ApiFixture::json(res).at("error").at("code").as_int64();
}

inline std::string error_message(const server::Response& res) {
    return std::string(ApiFixture::json(res).at("error").at("message").as_string());
}

}  // namespace taskcore::testing
