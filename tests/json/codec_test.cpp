// Domain objects serialise to exactly the API's field names (docs/api.md) and formats.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "taskcore/json/codec.hpp"

using namespace taskcore;

TEST_CASE("a task serialises with every API field") {
    Task t;
    t.id = *parse_uuid("0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b");
    t.user_id = "u1";
    t.title = "Write";
    t.completed = true;
    t.priority = Priority::high;
    t.tags = {"a", "b"};
    t.completed_at = from_unix_ms(1795378789123);
    t.created_at = from_unix_ms(0);
    t.updated_at = from_unix_ms(1795378789123);
    const auto v = json::to_json(t);
    CHECK(boost::json::serialize(v) ==
          R"({"id":"0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b","user_id":"u1","title":"Write",)"
          R"("description":null,"completed":true,"status":"completed","priority":"high",)"
          R"("due_date":null,"tags":["a","b"],"completed_at":"2026-11-22T20:19:49.123Z",)"
          R"("created_at":"1970-01-01T00:00:00.000Z","updated_at":"2026-11-22T20:19:49.123Z"})");
}

TEST_CASE("conversations and messages serialise with the API's fields") {
    const auto id = *parse_uuid("0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b");
    const Conversation c{id, "u1", std::nullopt, from_unix_ms(0), from_unix_ms(1000)};
    CHECK(boost::json::serialize(json::to_json(c)) ==
          R"({"id":"0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b","user_id":"u1","title":null,)"
          R"("created_at":"1970-01-01T00:00:00.000Z","updated_at":"1970-01-01T00:00:01.000Z"})");
    const Message m{id, "u1", id, MessageRole::tool, "hello \"x\"", from_unix_ms(0)};
    const auto v = json::to_json(m).as_object();
    CHECK(v.at("role") == "tool");
    CHECK(v.at("content") == "hello \"x\"");
    CHECK(v.at("conversation_id") == "0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b");
    CHECK(v.size() == 6);
}

TEST_CASE("the direct writer escapes exactly as Boost.JSON's serialiser does") {
    Task t;
    t.id = generate_uuid_v7();
    t.user_id = "u\"1\\ü";
    t.title = "tab\there, newline\nthere, bell\x07, quote \" and 🎉";
    t.description = std::string("nul\x01 and \x1f end");
    t.completed = true;
    t.priority = Priority::low;
    t.due_date = from_unix_ms(-1000);
    t.tags = {"a\"b", "ü", ""};
    t.completed_at = from_unix_ms(1795378789123);
    t.created_at = from_unix_ms(0);
    t.updated_at = from_unix_ms(253402300799999);  // 9999-12-31T23:59:59.999Z
    std::string direct;
    json::append_json(direct, t);
    CHECK(direct == boost::json::serialize(json::to_json(t)));
    t.description.reset();
    t.due_date.reset();
    t.completed_at.reset();
    t.tags.clear();
    t.completed = false;
    direct.clear();
    json::append_json(direct, t);
    CHECK(direct == boost::json::serialize(json::to_json(t)));

    const Conversation c{t.id, "u", "title \"x\"", from_unix_ms(5), from_unix_ms(6)};
    direct.clear();
    json::append_json(direct, c);
    CHECK(direct == boost::json::serialize(json::to_json(c)));
    const Conversation untitled{t.id, "u", std::nullopt, from_unix_ms(5), from_unix_ms(6)};
    direct.clear();
    json::append_json(direct, untitled);
    CHECK(direct == boost::json::serialize(json::to_json(untitled)));
    const Message m{t.id,           "u", t.id, MessageRole::assistant, "line1\nline2 \\ \"q\"",
                    from_unix_ms(7)};
    direct.clear();
    json::append_json(direct, m);
    CHECK(direct == boost::json::serialize(json::to_json(m)));
}
