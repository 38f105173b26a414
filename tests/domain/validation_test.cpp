// The API's field rules, including that all errors are reported together.
#include <catch2/catch.hpp>

#include "taskcore/domain/validation.hpp"

using namespace taskcore;

TEST_CASE("task titles are trimmed and measured in code points") {
    std::vector<FieldError> errors;
    CHECK(rules::task_title("  Buy milk  ", errors) == "Buy milk");
    CHECK(errors.empty());
    rules::task_title(std::string(200, 'a'), errors);
    rules::task_title("  " + std::string(200, 'a') + "  ", errors);
    std::string two_hundred_umlauts;
    for (int i = 0; i < 200; ++i) two_hundred_umlauts += "ü";
    rules::task_title(two_hundred_umlauts, errors);
    CHECK(errors.empty());
    rules::task_title(std::string(201, 'a'), errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == FieldError{"title", "must be at most 200 characters"});
}

TEST_CASE("an all-space title is empty") {
    std::vector<FieldError> errors;
    rules::task_title(" \t ", errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "must not be empty");
}

TEST_CASE("tags: trimmed, 1-32 characters, at most 10, no duplicates, every error named") {
    std::vector<FieldError> errors;
    CHECK(rules::task_tags({" work ", "home"}, errors) == std::vector<std::string>{"work", "home"});
    CHECK(errors.empty());

    rules::task_tags({"a", " a", "", std::string(33, 'x')}, errors);
    REQUIRE(errors.size() == 3);
    CHECK(errors[0] == FieldError{"tags[1]", "duplicate tag 'a'"});
    CHECK(errors[1] == FieldError{"tags[2]", "must not be empty"});
    CHECK(errors[2] == FieldError{"tags[3]", "must be at most 32 characters"});

    errors.clear();
    std::vector<std::string> eleven;
    for (int i = 0; i < 11; ++i) eleven.push_back("t" + std::to_string(i));
    rules::task_tags(eleven, errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "tags");
}

TEST_CASE("message content is not trimmed and limited to 32000 code points") {
    std::vector<FieldError> errors;
    rules::message_content(" ", errors);
    rules::message_content(std::string(32000, 'x'), errors);
    CHECK(errors.empty());
    rules::message_content("", errors);
    rules::message_content(std::string(32001, 'x'), errors);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].message == "must not be empty");
    CHECK(errors[1].message == "must be at most 32000 characters");
}

TEST_CASE("user ids are 1-255 code points of valid UTF-8") {
    CHECK(rules::is_valid_user_id("user-1"));
    CHECK(rules::is_valid_user_id("ユーザー"));
    CHECK(rules::is_valid_user_id(std::string(255, 'u')));
    CHECK_FALSE(rules::is_valid_user_id(""));
    CHECK_FALSE(rules::is_valid_user_id(std::string(256, 'u')));
    CHECK_FALSE(rules::is_valid_user_id("\xFF"));
}
