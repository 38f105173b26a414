// Resource and field schemas from the rule constants: one definition for OpenAPI and MCP.
#include "http/resource_schemas.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "taskcore/domain/enums.hpp"
#include "taskcore/domain/validation.hpp"

namespace taskcore::server::schemas {
namespace {

namespace bj = boost::json;

bj::object string_of(std::size_t min_length, std::size_t max_length) {
    return {{"type", "string"},
            {"minLength", static_cast<std::uint64_t>(min_length)},
            {"maxLength", static_cast<std::uint64_t>(max_length)}};
}

bj::object nullable_string(std::size_t max_length) {
    return {{"type", bj::array{"string", "null"}},
            {"maxLength", static_cast<std::uint64_t>(max_length)}};
}

template <typename Enum>
bj::object enum_of(std::initializer_list<Enum> values) {
    bj::array names;
    for (const auto v : values) names.emplace_back(to_string(v));
    return {{"type", "string"}, {"enum", std::move(names)}};
}

bj::object priority() {
    return enum_of({Priority::low, Priority::medium, Priority::high});
}

bj::object role() {
    return enum_of(
        {MessageRole::user, MessageRole::assistant, MessageRole::system, MessageRole::tool});
}

bj::object timestamp() {
    return {{"type", "string"}, {"format", "date-time"}};
}

bj::object nullable_timestamp() {
    return {{"type", bj::array{"string", "null"}}, {"format", "date-time"}};
}

bj::object uuid() {
    return {{"type", "string"}, {"format", "uuid"}};
}

bj::object resource(std::initializer_list<std::string_view> required, bj::object properties) {
    bj::array names;
    for (const auto name : required) names.emplace_back(name);
    return {
        {"type", "object"}, {"required", std::move(names)}, {"properties", std::move(properties)}};
}

}  // namespace

bj::object task() {
    return resource({"id", "user_id", "title", "description", "completed", "status", "priority",
                     "due_date", "tags", "completed_at", "created_at", "updated_at"},
                    {{"id", uuid()},
                     {"user_id", {{"type", "string"}}},
                     {"title", {{"type", "string"}}},
                     {"description", {{"type", bj::array{"string", "null"}}}},
                     {"completed", {{"type", "boolean"}}},
                     {"status", {{"type", "string"}, {"enum", bj::array{"pending", "completed"}}}},
                     {"priority", priority()},
                     {"due_date", nullable_timestamp()},
                     {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                     {"completed_at", nullable_timestamp()},
                     {"created_at", timestamp()},
                     {"updated_at", timestamp()}});
}

bj::object conversation() {
    return resource({"id", "user_id", "title", "created_at", "updated_at"},
                    {{"id", uuid()},
                     {"user_id", {{"type", "string"}}},
                     {"title", {{"type", bj::array{"string", "null"}}}},
                     {"created_at", timestamp()},
                     {"updated_at", timestamp()}});
}

bj::object message() {
    return resource({"id", "user_id", "conversation_id", "role", "content", "created_at"},
                    {{"id", uuid()},
                     {"user_id", {{"type", "string"}}},
                     {"conversation_id", uuid()},
                     {"role", role()},
                     {"content", {{"type", "string"}}},
                     {"created_at", timestamp()}});
}

bj::object tombstone() {
    return resource({"id", "deleted"},
                    {{"id", uuid()}, {"deleted", {{"type", "boolean"}, {"const", true}}}});
}

bj::object task_fields() {
    auto due = nullable_timestamp();
    due["description"] = "RFC 3339 with a time zone, e.g. 2026-12-24T18:00:00Z";
    auto tag = string_of(1, rules::kTagMax);
    return {{"title", string_of(1, rules::kTitleMax)},
            {"description", nullable_string(rules::kDescriptionMax)},
            {"priority", priority()},
            {"due_date", std::move(due)},
            {"tags",
             {{"type", "array"},
              {"maxItems", static_cast<std::uint64_t>(rules::kTagsMax)},
              {"uniqueItems", true},
              {"items", std::move(tag)}}}};
}

bj::object conversation_fields() {
    return {{"title", nullable_string(rules::kConversationTitleMax)}};
}

bj::object message_fields() {
    return {{"role", role()}, {"content", string_of(1, rules::kContentMax)}};
}

}  // namespace taskcore::server::schemas
