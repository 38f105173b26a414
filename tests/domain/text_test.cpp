// UTF-8 validation, counting, trimming and Unicode case folding.
#include <catch2/catch.hpp>

#include "taskcore/domain/text.hpp"

using namespace taskcore;

TEST_CASE("is_valid_utf8 accepts well-formed text") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("über 日本語 🎉"));
}

TEST_CASE("is_valid_utf8 rejects overlongs, surrogates, truncation and stray bytes") {
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong 3-byte
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800 encoded
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xE6\x97"));          // truncated
    CHECK_FALSE(is_valid_utf8("\x80"));              // lone continuation
    CHECK_FALSE(is_valid_utf8("\xFF"));
}

TEST_CASE("count_code_points counts characters, not bytes") {
    CHECK(count_code_points("abc") == 3);
    CHECK(count_code_points("über") == 4);
    CHECK(count_code_points("日本語") == 3);
    CHECK(count_code_points("🎉") == 1);
}

TEST_CASE("trim removes ASCII and Unicode white space at both ends only") {
    CHECK(trim("  hello  ") == "hello");
    CHECK(trim("\t\n hello world \r\n") == "hello world");
    CHECK(trim("\xC2\xA0hi\xE3\x80\x80") == "hi");  // NBSP and ideographic space
    CHECK(trim("   ").empty());
    CHECK(trim("a b") == "a b");
}

TEST_CASE("fold_case makes Unicode case-insensitive comparison possible") {
    CHECK(fold_case("ÜBER") == fold_case("über"));
    CHECK(fold_case("Hello World") == "hello world");
    CHECK(fold_case("ΣΊΣΥΦΟΣ") == fold_case("σίσυφοσ"));
    CHECK(fold_case("ПРИВЕТ") == "привет");
    CHECK(fold_case("日本語") == "日本語");
}
