// RFC 3339 formatting and parsing, including offsets and impossible dates.
#include <catch2/catch.hpp>

#include "taskcore/domain/time.hpp"

using namespace taskcore;

TEST_CASE("format_rfc3339 prints UTC with milliseconds") {
    CHECK(format_rfc3339(from_unix_ms(0)) == "1970-01-01T00:00:00.000Z");
    CHECK(format_rfc3339(from_unix_ms(1795378789123)) == "2026-11-22T20:19:49.123Z");
}

TEST_CASE("parse_rfc3339 normalises offsets to UTC") {
    CHECK(parse_rfc3339("2026-11-22T20:19:49.123Z") == from_unix_ms(1795378789123));
    CHECK(parse_rfc3339("2026-11-22T21:19:49.123+01:00") == from_unix_ms(1795378789123));
    CHECK(parse_rfc3339("2026-11-22T15:49:49.123-04:30") == from_unix_ms(1795378789123));
    CHECK(parse_rfc3339("2026-11-22t20:19:49.123z") == from_unix_ms(1795378789123));
    CHECK(parse_rfc3339("2026-11-22 20:19:49.123Z") == from_unix_ms(1795378789123));
}

TEST_CASE("parse_rfc3339 accepts any fraction length and truncates to milliseconds") {
    CHECK(parse_rfc3339("2026-11-22T20:19:49Z") == from_unix_ms(1795378789000));
    CHECK(parse_rfc3339("2026-11-22T20:19:49.1Z") == from_unix_ms(1795378789100));
    CHECK(parse_rfc3339("2026-11-22T20:19:49.123456789Z") == from_unix_ms(1795378789123));
}

TEST_CASE("parse_rfc3339 handles leap years") {
    CHECK(parse_rfc3339("2024-02-29T00:00:00Z"));
    CHECK(parse_rfc3339("2000-02-29T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339("2023-02-29T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339("1900-02-29T00:00:00Z"));
}

TEST_CASE("parse_rfc3339 rejects invalid dates, times and shapes") {
    for (const char* bad :
         {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
          "2026-04-31T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T23:60:00Z",
          "2026-11-22T23:59:60Z", "2026-11-22T20:19:49", "2026-11-22", "2026-11-22T20:19:49.Z",
          "2026-11-22T20:19:49+0100", "2026-11-22T20:19:49+24:00", "2026-11-22T20:19:49Zjunk",
          "26-11-22T20:19:49Z", "2026/11/22T20:19:49Z", "", "tomorrow"}) {
        INFO(bad);
        CHECK_FALSE(parse_rfc3339(bad));
    }
}

TEST_CASE("append_rfc3339 writes after what the string already holds, in and out of range") {
    std::string out = "at ";
    append_rfc3339(out, from_unix_ms(1795378789123));
    out += ", ";
    append_rfc3339(out, from_unix_ms(-1000));
    CHECK(out == "at 2026-11-22T20:19:49.123Z, 1969-12-31T23:59:59.000Z");
    // Beyond year 9999 (never stored) the general path still appends rather than replaces.
    std::string far = "x";
    append_rfc3339(far, from_unix_ms(253402300800000));
    CHECK(far == "x10000-01-01T00:00:00.000Z");
}

TEST_CASE("format and parse round-trip") {
    const auto t = now_ms();
    CHECK(parse_rfc3339(format_rfc3339(t)) == t);
}

TEST_CASE("formatting covers the whole RFC 3339 year range and pads every field") {
    CHECK(format_rfc3339(from_unix_ms(-1000)) == "1969-12-31T23:59:59.000Z");
    CHECK(format_rfc3339(from_unix_ms(253402300799999)) == "9999-12-31T23:59:59.999Z");
    CHECK(format_rfc3339(*parse_rfc3339("0001-01-01T00:00:00.007Z")) == "0001-01-01T00:00:00.007Z");
    CHECK(format_rfc3339(*parse_rfc3339("2024-02-29T09:05:03.050+00:00")) ==
          "2024-02-29T09:05:03.050Z");
}

TEST_CASE("timestamps must fall in years 0001-9999 after normalising to UTC") {
    CHECK(parse_rfc3339("0001-01-01T00:00:00Z"));
    CHECK(parse_rfc3339("9999-12-31T23:59:59.999Z"));
    CHECK(parse_rfc3339("0001-01-01T00:00:00-01:00"));        // 01:00 UTC on day one
    CHECK_FALSE(parse_rfc3339("0001-01-01T00:00:00+01:00"));  // year 0000 in UTC
    CHECK_FALSE(parse_rfc3339("9999-12-31T23:59:59-01:00"));  // year 10000 in UTC
    CHECK_FALSE(parse_rfc3339("0000-06-01T00:00:00Z"));
    const auto last = parse_rfc3339("9999-12-31T23:59:59.999Z");
    REQUIRE(last);
    CHECK(format_rfc3339(*last) == "9999-12-31T23:59:59.999Z");
}
