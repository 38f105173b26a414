// The MCP endpoint's protocol rules (docs/mcp.md), in-process against a real SQLite store:
// JSON-RPC framing and error codes, both protocol revisions, header cross-checks, Origin, auth,
// configuration, and the tool schemas against the library's limits.
#include <catch2/catch.hpp>

#include <set>

#include "mcp/mcp_tools.hpp"
#include "mcp_support.hpp"
#include "taskcore/domain/text.hpp"
#include "taskcore/domain/validation.hpp"
#include "taskcore/service/query_params.hpp"
#include "taskcore/version.hpp"

using namespace taskcore;
using namespace taskcore::testing;
using boost::beast::http::status;
using boost::beast::http::verb;
namespace bj = boost::json;

TEST_CASE_METHOD(McpFixture, "initialize negotiates a 2025 revision and issues no session id") {
    auto res = call(
        verb::post, "/mcp",
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
    REQUIRE(res.result() == status::ok);
    CHECK(field(res, "Content-Type") == "application/json");
    CHECK(field(res, "Mcp-Session-Id") == "<absent>");
    const auto result = json(res).at("result");
    CHECK(result.at("protocolVersion") == "2025-06-18");
    CHECK(result.at("serverInfo").at("name") == "taskcore");
    CHECK(result.at("serverInfo").at("version").as_string() == kVersion);
    CHECK(result.at("capabilities").at("tools").is_object());

    res = call(
        verb::post, "/mcp",
        R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2024-01-01","capabilities":{}}})");
    CHECK(json(res).at("result").at("protocolVersion") == "2025-11-25");
}

TEST_CASE_METHOD(McpFixture, "notifications are accepted with 202 and no body") {
    const auto res = legacy(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    CHECK(res.result() == status::accepted);
    CHECK(res.body().empty());
    CHECK(field(res, "Content-Type") == "<absent>");
    // Even a notification without the version header (sent right after initialize).
    CHECK(call(verb::post, "/mcp", R"({"jsonrpc":"2.0","method":"notifications/initialized"})")
              .result() == status::accepted);
}

TEST_CASE_METHOD(McpFixture, "JSON-RPC framing errors carry their codes") {
    SECTION("parse error") {
        const auto res = legacy(R"({"jsonrpc":"2.0",)");
        CHECK(res.result() == status::bad_request);
        CHECK(error_code(res) == -32700);
        CHECK(json(res).at("id").is_null());
    }
    SECTION("invalid request") {
        for (const std::string body :
             {R"({"id":1,"method":"ping"})", R"({"jsonrpc":"1.0","id":1,"method":"ping"})",
              R"({"jsonrpc":"2.0","id":null,"method":"ping"})",
              R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})", R"({"jsonrpc":"2.0","id":1})",
              R"({"jsonrpc":"2.0","id":1,"result":{}})", R"({"jsonrpc":"2.0","id":1,"method":3})",
              R"([])", R"("ping")"}) {
            INFO(body);
            const auto res = legacy(body);
            CHECK(res.result() == status::bad_request);
            CHECK(error_code(res) == -32600);
        }
    }
    SECTION("method not found is in-band") {
        const auto res = legacy(R"({"jsonrpc":"2.0","id":"a","method":"resources/list"})");
        CHECK(res.result() == status::ok);
        CHECK(error_code(res) == -32601);
        CHECK(json(res).at("id") == "a");
    }
    SECTION("an empty body") {
        const auto res = legacy("");
        CHECK(res.result() == status::bad_request);
        CHECK(error_code(res) == -32600);
    }
    SECTION("a body that is not declared JSON is 415") {
        const auto res =
            legacy(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", {{"Content-Type", "text/plain"}});
        CHECK(res.result() == status::unsupported_media_type);
    }
}

TEST_CASE_METHOD(McpFixture, "a batch answers each request in order and drops notifications") {
    auto res = legacy(
        R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"nope"},{"jsonrpc":"2.0"}])");
    REQUIRE(res.result() == status::ok);
    const auto answers = json(res).as_array();
    REQUIRE(answers.size() == 3);
    CHECK(answers[0].at("id") == 1);
    CHECK(answers[0].at("result").as_object().empty());
    CHECK(answers[1].at("error").at("code") == -32601);
    CHECK(answers[2].at("error").at("code") == -32600);
    CHECK(answers[2].at("id").is_null());

    // An error found after the id was read answers with that id.
    res = legacy(R"({"jsonrpc":"1.0","id":"k","method":"ping"})");
    CHECK(json(res).at("id") == "k");

    res = legacy(R"([{"jsonrpc":"2.0","method":"notifications/initialized"}])");
    CHECK(res.result() == status::accepted);
    CHECK(res.body().empty());
}

TEST_CASE_METHOD(McpFixture, "2025 era: the version header is required after initialize") {
    auto res = call(verb::post, "/mcp", R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");
    CHECK(res.result() == status::bad_request);
    CHECK(error_message(res).find("MCP-Protocol-Version") != std::string::npos);

    res = call(verb::post, "/mcp", R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})",
               {{"MCP-Protocol-Version", "1999-01-01"}});
    CHECK(res.result() == status::bad_request);
    CHECK(error_code(res) == -32022);
    CHECK(json(res).at("error").at("data").at("requested") == "1999-01-01");

    // A 2026 header on a request without the 2026 envelope is an envelope error.
    res = call(verb::post, "/mcp", R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})",
               {{"MCP-Protocol-Version", "2026-07-28"}});
    CHECK(res.result() == status::bad_request);
    CHECK(error_code(res) == -32602);
}

TEST_CASE_METHOD(McpFixture, "2026 era: server/discover, _meta and the mirrored headers") {
    SECTION("discover") {
        const auto res = modern("server/discover", "");
        REQUIRE(res.result() == status::ok);
        const auto result = json(res).at("result");
        CHECK(result.at("resultType") == "complete");
        CHECK(result.at("supportedVersions").as_array().front() == "2026-07-28");
        CHECK(result.at("capabilities").at("tools").is_object());
        CHECK(result.at("_meta").at("io.modelcontextprotocol/serverInfo").at("name") == "taskcore");
        CHECK(result.at("ttlMs").as_int64() > 0);
    }
    SECTION("tools/list is cacheable and complete") {
        const auto res = modern("tools/list", "");
        const auto result = json(res).at("result");
        CHECK(result.at("tools").as_array().size() == server::mcp::tool_table().size());
        CHECK(result.at("cacheScope") == "public");
        CHECK(result.at("resultType") == "complete");
    }
    SECTION("header mismatches are -32020") {
        for (const auto& headers : std::vector<std::map<std::string, std::string>>{
                 {{"MCP-Protocol-Version", "2025-11-25"}},
                 {{"Mcp-Method", "tools/call"}},
                 {{"MCP-Protocol-Version", ""}},
                 {{"Mcp-Method", ""}}}) {
            auto h = headers;
            h.emplace("MCP-Protocol-Version", "2026-07-28");
            h.emplace("Mcp-Method", "tools/list");
            const auto res = modern("tools/list", "", h);
            CHECK(res.result() == status::bad_request);
            CHECK(error_code(res) == -32020);
        }
    }
    SECTION("Mcp-Name mirrors params.name on tools/call, base64 sentinel included") {
        const std::string params = R"("name":"list_tasks","arguments":{})";
        CHECK(error_code(modern("tools/call", params)) == -32020);  // missing
        CHECK(error_code(modern("tools/call", params, {{"Mcp-Name", "get_task"}})) == -32020);
        CHECK(modern("tools/call", params, {{"Mcp-Name", "list_tasks"}}).result() == status::ok);
        // "list_tasks" in base64: the sentinel form a client may always use
        CHECK(
            modern("tools/call", params, {{"Mcp-Name", "=?base64?bGlzdF90YXNrcw==?="}}).result() ==
            status::ok);
    }
    SECTION("an unsupported revision names the supported ones") {
        const auto res = call(
            verb::post, "/mcp",
            R"({"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}}})",
            {{"MCP-Protocol-Version", "2099-01-01"}, {"Mcp-Method", "server/discover"}});
        CHECK(res.result() == status::bad_request);
        CHECK(error_code(res) == -32022);
        const auto data = json(res).at("error").at("data");
        CHECK(data.at("requested") == "2099-01-01");
        CHECK(data.at("supported").as_array().front() == "2026-07-28");
    }
    SECTION("a malformed envelope is -32602 before dispatch") {
        const auto res = call(
            verb::post, "/mcp",
            R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})",
            {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "tools/list"}});
        CHECK(res.result() == status::bad_request);
        CHECK(error_code(res) == -32602);
        CHECK(error_message(res).find("clientCapabilities") != std::string::npos);
    }
    SECTION("unknown methods and initialize are -32601") {
        CHECK(error_code(modern("prompts/list", "")) == -32601);
        CHECK(error_code(modern("initialize", R"("protocolVersion":"2026-07-28")")) == -32601);
    }
    SECTION("no batches in 2026") {
        const auto res = legacy(R"([{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{)" +
                                std::string(kModernMeta) + "}}]");
        CHECK(json(res).as_array().at(0).at("error").at("code") == -32600);
    }
}

TEST_CASE_METHOD(McpFixture, "header bytes that are not printable ASCII are never echoed") {
    const auto res = call(verb::post, "/mcp", R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})",
                          {{"MCP-Protocol-Version",
                            "20\xff\xfe"
                            "26"}});
    CHECK(res.result() == status::bad_request);
    CHECK(is_valid_utf8(res.body()));
    CHECK(json(res).at("error").at("data").at("requested") == "(not printable)");
}

TEST_CASE_METHOD(McpFixture, "argument shape errors are -32602 naming the argument") {
    const auto call_tool = [&](const std::string& name, const std::string& arguments) {
        return legacy(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":")" + name +
                      R"(","arguments":)" + arguments + "}}");
    };
    auto res = call_tool("add_task", R"({"title":"x","user_id":"bob"})");
    CHECK(res.result() == status::ok);
    CHECK(error_code(res) == -32602);
    CHECK(error_message(res).find("unknown argument 'user_id'") != std::string::npos);
    res = call_tool("add_task", R"({"title":7})");
    CHECK(error_message(res) == "argument 'title' must be string");
    res = call_tool("add_task", R"({"title":"x","tags":["a",3]})");
    CHECK(error_message(res) == "argument 'tags[1]' must be string");
    res = call_tool("list_tasks", R"({"limit":2.5})");
    CHECK(error_message(res) == "argument 'limit' must be integer");
    res = call_tool("add_task", R"({})");
    CHECK(error_message(res).find("missing required argument 'title'") != std::string::npos);
    res = call_tool("add_task", R"([1])");
    CHECK(error_code(res) == -32602);
    res = call_tool("drop_tables", R"({})");
    CHECK(error_message(res).find("unknown tool 'drop_tables'") != std::string::npos);
    res = legacy(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}})");
    CHECK(error_code(res) == -32602);
}

TEST_CASE_METHOD(McpFixture, "rule breaks and missing rows are tool errors, not protocol errors") {
    auto result = tool("add_task", R"({"title":"","priority":"urgent"})");
    CHECK(result.at("result").at("isError") == true);
    const std::string text(result.at("result").at("content").at(0).at("text").as_string());
    CHECK(text.find("title") != std::string::npos);
    CHECK(text.find("priority: must be one of low, medium, high") != std::string::npos);

    // 2.0 is an integer: limit=2 for the list route's rules.
    result = tool("list_tasks", R"({"limit":2.0})");
    CHECK(result.at("result").at("structuredContent").at("limit") == 2);

    const auto created = tool("add_task", R"({"title":"mine"})");
    const std::string id(created.at("result").at("structuredContent").at("id").as_string());
    for (const auto& [name, args] : std::vector<std::pair<std::string, std::string>>{
             {"get_task", R"({"task_id":")" + id + R"("})"},
             {"update_task", R"({"task_id":")" + id + R"(","title":"theirs"})"},
             {"complete_task", R"({"task_id":")" + id + R"("})"},
             {"delete_task", R"({"task_id":")" + id + R"("})"}}) {
        INFO(name);
        const auto other = tool(name, args, "bob");
        CHECK(other.at("result").at("isError") == true);
        CHECK(std::string(other.at("result").at("content").at(0).at("text").as_string())
                  .find("not found") != std::string::npos);
    }
    const auto still = tool("get_task", R"({"task_id":")" + id + R"("})");
    CHECK(still.at("result").at("structuredContent").at("title") == "mine");
    CHECK(still.at("result").at("structuredContent").at("completed") == false);
}

TEST_CASE_METHOD(McpFixture, "list tools page on by the next_cursor they return") {
    for (int i = 0; i < 3; ++i) tool("add_task", R"({"title":"t)" + std::to_string(i) + R"("})");
    std::set<std::string> seen;
    std::string args = R"({"limit":2,"status":"pending"})";
    for (int page = 0; page < 3; ++page) {
        const auto r = tool("list_tasks", args);
        const auto& content = r.at("result").at("structuredContent");
        for (const auto& t : content.at("tasks").as_array()) {
            CHECK(seen.insert(std::string(t.at("id").as_string())).second);
        }
        if (content.at("next_cursor").is_null()) break;
        args = R"({"limit":2,"cursor":")" + std::string(content.at("next_cursor").as_string()) +
               R"("})";
    }
    CHECK(seen.size() == 3);
    const auto broken = tool("list_tasks", R"({"cursor":"AAAA"})");
    CHECK(broken.at("result").at("isError") == true);
    CHECK(std::string(broken.at("result").at("content").at(0).at("text").as_string())
              .find("cursor") != std::string::npos);
}

TEST_CASE_METHOD(McpFixture, "complete_task sets the state it is asked for") {
    const auto created = tool("add_task", R"({"title":"t"})");
    const std::string id(created.at("result").at("structuredContent").at("id").as_string());
    for (const auto& [args, want] :
         std::vector<std::pair<std::string, bool>>{{"", true},
                                                   {"", true},
                                                   {R"(,"completed":false)", false},
                                                   {R"(,"completed":false)", false}}) {
        const auto r = tool("complete_task", R"({"task_id":")" + id + "\"" + args + "}");
        CHECK(r.at("result").at("structuredContent").at("completed") == want);
    }
}

TEST_CASE_METHOD(McpFixture, "the agent's writes are in the user's change log, in order") {
    const auto created = tool("add_task", R"({"title":"from the agent"})");
    const std::string id(created.at("result").at("structuredContent").at("id").as_string());
    tool("complete_task", R"({"task_id":")" + id + R"("})");
    const auto res = call(verb::get, "/api/alice/changes");
    REQUIRE(res.result() == status::ok);
    const auto body = json(res);
    const auto& data = body.at("data").as_array();
    REQUIRE(data.size() == 2);
    CHECK(data[0].at("event") == "task.created");
    CHECK(data[0].at("id").as_string() == id);
    CHECK(data[1].at("event") == "task.updated");
    CHECK(data[1].at("data").at("title") == "from the agent");
    CHECK(data[1].at("data").at("completed") == true);
}

TEST_CASE_METHOD(McpFixture, "Origin, authentication and the protected-resource metadata") {
    const std::string ping = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
    auto res = legacy(ping, {{"Origin", "https://evil.example"}});
    CHECK(res.result() == status::forbidden);
    res = legacy(ping, {{"Origin", "https://app.example.com"}});
    CHECK(res.result() == status::ok);
    CHECK(field(res, "Access-Control-Allow-Origin") == "https://app.example.com");

    res = call(verb::options, "/mcp", "",
               {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "POST"}},
               "");
    CHECK(res.result() == status::no_content);
    const auto allowed = field(res, "Access-Control-Allow-Headers");
    for (const auto* h : {"Authorization", "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name"}) {
        CHECK(allowed.find(h) != std::string::npos);
    }

    res = legacy(ping, {{"Host", "tasks.example:8000"}}, "");
    CHECK(res.result() == status::unauthorized);
    CHECK(
        field(res, "WWW-Authenticate") ==
        R"(Bearer resource_metadata="http://tasks.example:8000/.well-known/oauth-protected-resource/mcp")");
    res = legacy(ping, {{"Authorization", "Bearer nope"}, {"Host", "h"}}, "");
    CHECK(
        field(res, "WWW-Authenticate") ==
        R"(Bearer error="invalid_token", error_description="malformed token", resource_metadata="http://h/.well-known/oauth-protected-resource/mcp")");
    res = call(verb::post, "/mcp?access_token=" + token_for("alice"), ping,
               {{"MCP-Protocol-Version", "2025-11-25"}}, "");
    CHECK(res.result() == status::unauthorized);
    CHECK(field(res, "WWW-Authenticate").starts_with(R"(Bearer error="invalid_request")"));

    res = call(verb::get, "/mcp");
    CHECK(res.result() == status::method_not_allowed);
    CHECK(field(res, "Allow") == "POST, OPTIONS");

    for (const std::string path :
         {"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"}) {
        res = call(verb::get, path, "", {{"Host", "tasks.example"}}, "");
        REQUIRE(res.result() == status::ok);
        const auto doc = json(res);
        CHECK(doc.at("resource") == "http://tasks.example/mcp");
        CHECK(doc.at("bearer_methods_supported").as_array() == bj::array{"header"});
        CHECK(!doc.as_object().contains("authorization_servers"));
    }
    config.better_auth_url = "https://auth.example";
    config.public_url = "https://api.example";
    rebuild();
    const auto doc = json(call(verb::get, "/.well-known/oauth-protected-resource/mcp", "", {}, ""));
    CHECK(doc.at("resource") == "https://api.example/mcp");
    CHECK(doc.at("authorization_servers").as_array() == bj::array{"https://auth.example"});
}

TEST_CASE_METHOD(McpFixture, "MCP_PATH moves the endpoint and MCP_ENABLED=false removes it") {
    const std::string ping = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
    config.mcp_path = "/agent/mcp";
    rebuild();
    CHECK(legacy(ping).result() == status::not_found);
    CHECK(call(verb::post, "/agent/mcp", ping, {{"MCP-Protocol-Version", "2025-11-25"}}).result() ==
          status::ok);
    const auto doc = json(call(verb::get, "/.well-known/oauth-protected-resource/agent/mcp", "",
                               {{"Host", "h"}}, ""));
    CHECK(doc.at("resource") == "http://h/agent/mcp");

    config.mcp_enabled = false;
    rebuild();
    CHECK(call(verb::post, "/agent/mcp", ping, {{"MCP-Protocol-Version", "2025-11-25"}}).result() ==
          status::not_found);
    CHECK(call(verb::get, "/.well-known/oauth-protected-resource", "", {}, "").result() ==
          status::not_found);
    const auto openapi = json(call(verb::get, "/openapi.json", "", {}, ""));
    CHECK(!openapi.at("paths").as_object().contains("/agent/mcp"));
}

TEST_CASE("the tool schemas state the library's limits and take no user id") {
    const auto limit = [](std::string_view tool, std::string_view argument, std::string_view key) {
        const auto* t = server::mcp::find_tool(tool);
        REQUIRE(t != nullptr);
        const auto& schema = server::mcp::input_schema_of(*t);
        const auto& property = schema.at("properties").at(argument).as_object();
        const auto* v = property.if_contains(key);
        if (v == nullptr) v = property.at("items").as_object().if_contains(key);
        REQUIRE(v != nullptr);
        return static_cast<std::size_t>(v->as_int64());
    };
    CHECK(limit("add_task", "title", "maxLength") == rules::kTitleMax);
    CHECK(limit("update_task", "title", "maxLength") == rules::kTitleMax);
    CHECK(limit("add_task", "description", "maxLength") == rules::kDescriptionMax);
    CHECK(limit("update_task", "description", "maxLength") == rules::kDescriptionMax);
    CHECK(limit("add_task", "tags", "maxItems") == rules::kTagsMax);
    CHECK(limit("add_task", "tags", "maxLength") == rules::kTagMax);
    CHECK(limit("add_message", "content", "maxLength") == rules::kContentMax);
    CHECK(limit("create_conversation", "title", "maxLength") == rules::kConversationTitleMax);
    for (const auto& [tool, page_default] : std::vector<std::pair<std::string_view, int>>{
             {"list_tasks", kTaskPageDefault},
             {"list_conversations", kConversationPageDefault},
             {"list_messages", kMessagePageDefault}}) {
        INFO(tool);
        CHECK(limit(tool, "limit", "maximum") == static_cast<std::size_t>(kMaxPageLimit));
        CHECK(limit(tool, "limit", "default") == static_cast<std::size_t>(page_default));
        const auto* t = server::mcp::find_tool(tool);
        CHECK(server::mcp::description_of(*t).find("limit 1-" + std::to_string(kMaxPageLimit) +
                                                   " (default " + std::to_string(page_default) +
                                                   ")") != std::string_view::npos);
    }
    for (const auto& t : server::mcp::tool_table()) {
        INFO(t.name);
        const auto& schema = server::mcp::input_schema_of(t);
        CHECK(schema.at("additionalProperties") == false);
        CHECK(!schema.at("properties").as_object().contains("user_id"));
        CHECK(t.description.size() > 60);
    }
}
