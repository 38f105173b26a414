// Body decoding: malformed JSON vs shape problems (types, unknown and read-only fields). Value
// rules (lengths, trimming, duplicate tags) are the services' and tested there.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "taskcore/domain/errors.hpp"
#include "taskcore/json/requests.hpp"

using namespace taskcore;
using namespace taskcore::json;

namespace {

std::vector<FieldError> errors_of(auto&& parse, std::string_view body) {
    return parse(parse_body(body)).problems;
}

std::vector<FieldError> thrown_errors_of(auto&& parse, std::string_view body) {
    try {
        parse(parse_body(body));
    } catch (const ValidationError& e) {
        return e.details();
    }
    return {};
}

}  // namespace

TEST_CASE("parse_body rejects everything that is not strict JSON") {
    for (const char* bad :
         {"", "{", "{\"a\":1,}", "[1,2,]", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}",
          "// c\n{}", "/* c */{}", "{'a':1}", "{\"a\":\"\xFF\"}", "{\"a\":\"\xED\xA0\x80\"}",
          "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00x\"}", "{} {}", "nul"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_body(bad), MalformedJsonError);
    }
    CHECK(parse_body("{\"a\":\"\\ud83c\\udf89\"}").at("a").as_string() == "🎉");
}

TEST_CASE("parse_body bounds nesting depth") {
    CHECK_THROWS_AS(parse_body(std::string(100000, '[')), MalformedJsonError);
}

TEST_CASE("a new task needs a title and defaults fill the rest") {
    const auto decoded = parse_new_task(parse_body(R"({"title": "  Buy milk "})"));
    CHECK(decoded.problems.empty());
    const auto& task = decoded.value;
    CHECK(task.title == "  Buy milk ");  // as sent: trimming is the service's rule
    CHECK_FALSE(task.description);
    CHECK_FALSE(task.completed);
    CHECK(task.priority == Priority::medium);
    CHECK(task.tags.empty());
    CHECK(errors_of(parse_new_task, "{}") == std::vector<FieldError>{{"title", "is required"}});
}

TEST_CASE("a new task with every field") {
    const auto task =
        parse_new_task(parse_body(
                           R"({"title":"T","description":" d ","completed":true,"priority":"high",
            "due_date":"2026-12-01T10:00:00+02:00","tags":[" a ","b"]})"))
            .value;
    CHECK(task.description == " d ");
    CHECK(task.completed);
    CHECK(task.priority == Priority::high);
    CHECK(task.due_date == parse_rfc3339("2026-12-01T08:00:00Z"));
    CHECK(task.tags == std::vector<std::string>{" a ", "b"});
}

TEST_CASE("every problem of a task body is reported at once") {
    const auto errors = errors_of(parse_new_task,
                                  R"({"title": 5, "priority": "urgent", "completed": "yes",
                                      "due_date": "2026-02-30T00:00:00Z", "tags": "x",
                                      "colour": "red"})");
    std::vector<std::string> fields;
    for (const auto& e : errors) fields.push_back(e.field);
    CHECK(fields ==
          std::vector<std::string>{"colour", "title", "completed", "priority", "due_date", "tags"});
}

TEST_CASE("read-only fields are ignored, unknown ones rejected") {
    const auto task =
        parse_new_task(parse_body(
                           R"({"title":"x","id":"abc","user_id":"someone-else","status":"completed",
            "completed_at":"2020-01-01T00:00:00Z","created_at":1,"updated_at":null})"))
            .value;
    CHECK(task.title == "x");
    CHECK_FALSE(task.completed);
    CHECK(errors_of(parse_new_task, R"({"title":"x","owner":"y"})") ==
          std::vector<FieldError>{{"owner", "unknown field"}});
}

TEST_CASE("bodies must be objects") {
    CHECK(errors_of(parse_new_task, "[]") ==
          std::vector<FieldError>{{"body", "must be a JSON object"}});
    CHECK(errors_of(parse_task_patch, "\"x\"") ==
          std::vector<FieldError>{{"body", "must be a JSON object"}});
}

TEST_CASE("a patch distinguishes absent, null and a value") {
    const auto none = parse_task_patch(parse_body("{}")).value;
    CHECK(none.empty());
    const auto cleared =
        parse_task_patch(parse_body(R"({"description":null,"due_date":null})")).value;
    REQUIRE(cleared.description);
    CHECK_FALSE(*cleared.description);
    REQUIRE(cleared.due_date);
    CHECK_FALSE(*cleared.due_date);
    CHECK_FALSE(cleared.title);
    CHECK(errors_of(parse_task_patch, R"({"title":null})") ==
          std::vector<FieldError>{{"title", "must be a string"}});
    // Rules on values are not this layer's: a blank title and duplicate tags decode fine.
    CHECK(errors_of(parse_task_patch, R"({"title":"   ","tags":["a","a"]})").empty());
    CHECK(errors_of(parse_task_patch, R"({"tags":["a",1]})") ==
          std::vector<FieldError>{{"tags[1]", "must be a string"}});
}

TEST_CASE("completion body needs a boolean") {
    CHECK(parse_completion(parse_body(R"({"completed":true})")));
    CHECK_FALSE(parse_completion(parse_body(R"({"completed":false})")));
    CHECK(thrown_errors_of(parse_completion, "{}") ==
          std::vector<FieldError>{{"completed", "is required"}});
    CHECK(thrown_errors_of(parse_completion, R"({"completed":1})") ==
          std::vector<FieldError>{{"completed", "must be true or false"}});
}

TEST_CASE("conversation and message bodies") {
    CHECK_FALSE(parse_new_conversation(parse_body("{}")).value.title);
    CHECK_FALSE(parse_new_conversation(parse_body(R"({"title":null})")).value.title);
    CHECK(parse_new_conversation(parse_body(R"({"title":" Chat "})")).value.title == " Chat ");
    CHECK(errors_of(parse_new_conversation, R"({"title":7})") ==
          std::vector<FieldError>{{"title", "must be a string or null"}});

    const auto m =
        parse_new_message(parse_body(R"({"role":"assistant","content":"  hi  "})")).value;
    CHECK(m.role == MessageRole::assistant);
    CHECK(m.content == "  hi  ");
    CHECK(errors_of(parse_new_message, R"({"role":"bot"})") ==
          std::vector<FieldError>{{"role", "must be one of user, assistant, system, tool"},
                                  {"content", "is required"}});
}
