// List query parameters: defaults, every accepted value, and 422-worthy input.
#include <catch2/catch.hpp>

#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/text.hpp"
#include "taskcore/service/query_params.hpp"

using namespace taskcore;

namespace {

std::vector<FieldError> errors_of(const QueryParams& params) {
    try {
        parse_task_list_query(params);
    } catch (const ValidationError& e) {
        return e.details();
    }
    return {};
}

}  // namespace

TEST_CASE("task list defaults") {
    const auto q = parse_task_list_query({});
    CHECK(q.status == StatusFilter::all);
    CHECK(q.sort == TaskSortKey::created_at);
    CHECK(q.descending);
    CHECK(q.limit == 50);
    CHECK(q.offset == 0);
    CHECK_FALSE(q.priority);
    CHECK_FALSE(q.tag);
    CHECK_FALSE(q.text);
}

TEST_CASE("task list parameters are parsed") {
    const auto q = parse_task_list_query({{"status", "completed"},
                                          {"priority", "low"},
                                          {"tag", " work "},
                                          {"q", "ÜBER"},
                                          {"sort", "priority"},
                                          {"limit", "200"},
                                          {"offset", "999999999999"}});
    CHECK(q.status == StatusFilter::completed);
    CHECK(q.priority == Priority::low);
    CHECK(q.tag == "work");
    CHECK(q.text == fold_case("über"));
    CHECK(q.sort == TaskSortKey::priority);
    CHECK_FALSE(q.descending);
    CHECK(q.limit == 200);
    CHECK(q.offset == 999999999999);
    CHECK(parse_task_list_query({{"sort", "-due_date"}}).descending);
}

TEST_CASE("bad list parameters are all reported") {
    CHECK(errors_of({{"limit", "0"}}) ==
          std::vector<FieldError>{{"limit", "must be an integer from 1 to 200"}});
    CHECK(errors_of({{"limit", "201"}}).size() == 1);
    CHECK(errors_of({{"limit", "abc"}}).size() == 1);
    CHECK(errors_of({{"limit", "1.5"}}).size() == 1);
    CHECK(errors_of({{"limit", "+5"}}).size() == 1);
    CHECK(errors_of({{"offset", "-1"}}).size() == 1);
    CHECK(errors_of({{"offset", "12345678901234567890123"}}).size() == 1);
    CHECK(errors_of({{"status", "done"}, {"sort", "-color"}, {"priority", "urgent"}}).size() == 3);
    CHECK(errors_of({{"limit", "5"}, {"limit", "6"}}) ==
          std::vector<FieldError>{{"limit", "given more than once"}});
    CHECK(errors_of({{"colour", "red"}}) ==
          std::vector<FieldError>{{"colour", "unknown query parameter"}});
    CHECK(errors_of({{"tag", "  "}}) == std::vector<FieldError>{{"tag", "must not be empty"}});
}

TEST_CASE("page requests for conversations and messages") {
    const auto conversation = generate_uuid_v7();
    const auto p = parse_message_page({}, conversation);
    CHECK(p.limit == 100);
    CHECK(p.offset == 0);
    CHECK(parse_conversation_page({}).limit == 50);
    CHECK(parse_conversation_page({{"limit", "7"}, {"offset", "3"}}).limit == 7);
    CHECK_THROWS_AS(parse_conversation_page({{"status", "all"}}), ValidationError);
}
