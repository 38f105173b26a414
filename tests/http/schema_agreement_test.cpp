// One schema source: the OpenAPI document and the MCP tools state the same fields with the same
// limits, and those limits (in the schemas and in the tools' prose) are the library's rule
// constants.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <regex>

#include "api/openapi.hpp"
#include "mcp/mcp_tools.hpp"
#include "taskcore/domain/validation.hpp"
#include "taskcore/service/idempotent_writes.hpp"

using namespace taskcore;
using namespace taskcore::server;
namespace bj = boost::json;

namespace {

const bj::object& component(const bj::object& doc, std::string_view name) {
    return doc.at("components").at("schemas").at(name).as_object();
}

const bj::object& tool_entry(std::string_view name) {
    for (const auto& t : mcp::tool_list()) {
        if (t.at("name").as_string() == name) return t.as_object();
    }
    FAIL("no tool " << name);
    throw std::logic_error("unreachable");
}

const bj::object& input_property(std::string_view tool, std::string_view field) {
    return tool_entry(tool).at("inputSchema").at("properties").at(field).as_object();
}

std::uint64_t number(const bj::value& v) {
    return v.to_number<std::uint64_t>();
}

}  // namespace

TEST_CASE("OpenAPI and MCP state every writable field alike") {
    const auto doc = bj::parse(build_openapi_document("/api")).as_object();
    const auto& create = component(doc, "TaskCreate").at("properties").as_object();
    const auto& patch = component(doc, "TaskPatch").at("properties").as_object();
    for (const char* field : {"title", "description", "priority", "due_date", "tags"}) {
        CAPTURE(field);
        CHECK(create.at(field) == input_property("add_task", field));
        CHECK(patch.at(field) == input_property("update_task", field));
    }
    const auto& message = component(doc, "MessageCreate").at("properties").as_object();
    CHECK(message.at("role") == input_property("add_message", "role"));
    CHECK(message.at("content") == input_property("add_message", "content"));
    CHECK(component(doc, "ConversationCreate").at("properties").at("title") ==
          input_property("create_conversation", "title"));
}

TEST_CASE("the shared field schemas carry the library's rule constants") {
    const auto doc = bj::parse(build_openapi_document("/api")).as_object();
    const auto& task = component(doc, "TaskCreate").at("properties").as_object();
    CHECK(number(task.at("title").at("maxLength")) == rules::kTitleMax);
    CHECK(number(task.at("description").at("maxLength")) == rules::kDescriptionMax);
    CHECK(number(task.at("tags").at("maxItems")) == rules::kTagsMax);
    CHECK(number(task.at("tags").at("items").at("maxLength")) == rules::kTagMax);
    CHECK(number(component(doc, "MessageCreate").at("properties").at("content").at("maxLength")) ==
          rules::kContentMax);
    CHECK(
        number(component(doc, "ConversationCreate").at("properties").at("title").at("maxLength")) ==
        rules::kConversationTitleMax);
}

TEST_CASE("a task, a conversation and a message read the same on both surfaces") {
    const auto doc = bj::parse(build_openapi_document("/api")).as_object();
    auto rest_task = component(doc, "Task");
    rest_task.erase("examples");
    auto mcp_task = tool_entry("get_task").at("outputSchema").as_object();
    // MCP adds the etag REST sends as a header; everything else is the same schema.
    mcp_task["properties"].as_object().erase("etag");
    auto& required = mcp_task["required"].as_array();
    required.erase(std::remove(required.begin(), required.end(), bj::value("etag")),
                   required.end());
    CHECK(rest_task == mcp_task);
    CHECK(component(doc, "Conversation") ==
          tool_entry("create_conversation").at("outputSchema").as_object());
    CHECK(component(doc, "Message") == tool_entry("add_message").at("outputSchema").as_object());
}

TEST_CASE("the limits a tool's description names are the library's rule constants") {
    const auto description = [](std::string_view tool) {
        return std::string(tool_entry(tool).at("description").as_string());
    };
    for (const auto& t : mcp::tool_list()) {
        CAPTURE(t.at("name"));
        // A "{name}" left in the prose is a limit with no constant behind it.
        const std::string text(t.at("description").as_string());
        CHECK_FALSE(std::regex_search(text, std::regex(R"(\{[a-z_]+\})")));
    }
    const auto limit = [](std::size_t n) { return "1-" + std::to_string(n) + " characters"; };
    CHECK_THAT(description("add_task"), Catch::Contains(limit(rules::kTitleMax)));
    CHECK_THAT(description("add_task"),
               Catch::Contains("up to " + std::to_string(rules::kDescriptionMax) + " characters"));
    CHECK_THAT(description("update_task"),
               Catch::Contains("up to " + std::to_string(rules::kTagsMax) +
                               " distinct strings of " + limit(rules::kTagMax)));
    CHECK_THAT(description("add_message"), Catch::Contains(limit(rules::kContentMax)));
    CHECK_THAT(description("add_task"),
               Catch::Contains("idempotency_key (1-" +
                               std::to_string(taskcore::kMaxIdempotencyKeyLength)));
}
