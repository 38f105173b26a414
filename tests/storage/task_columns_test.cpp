// Column encodings shared by both backends: the tag reader's fast path and its fallback.
#include <catch2/catch.hpp>

#include "storage/task_columns.hpp"

using namespace taskcore::storage;

TEST_CASE("plain tag arrays are read without the JSON parser, in both spellings") {
    std::vector<std::string> tags;
    CHECK(read_plain_tags(R"(["a","b c"])", tags));
    CHECK(tags == std::vector<std::string>{"a", "b c"});
    tags.clear();
    // PostgreSQL prints jsonb arrays with a space after each comma.
    CHECK(read_plain_tags(R"(["a", "b", "c"])", tags));
    CHECK(tags == std::vector<std::string>{"a", "b", "c"});
    tags.clear();
    CHECK(read_plain_tags("[]", tags));
    CHECK(tags.empty());
}

TEST_CASE("tags needing the JSON parser still decode exactly") {
    std::vector<std::string> scratch;
    CHECK_FALSE(read_plain_tags(R"(["a\"b", "c"])", scratch));
    CHECK(tags_from_json(R"(["a\"b", "c"])") == std::vector<std::string>{"a\"b", "c"});
    CHECK(tags_from_json(R"([ "x" ,"y"])") == std::vector<std::string>{"x", "y"});
    CHECK(tags_from_json(tags_to_json({"é", "\\", "a,b"})) ==
          std::vector<std::string>{"é", "\\", "a,b"});
}
