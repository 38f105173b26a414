// Timestamps: UTC milliseconds, RFC 3339 formatting and strict parsing.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace taskcore {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// The current time truncated to milliseconds (what the API can represent).
Timestamp now_ms();

// "2026-11-22T20:19:49.123Z"
std::string format_rfc3339(Timestamp t);
// The same text appended to `out`, with no string of its own (list pages write three per item).
void append_rfc3339(std::string& out, Timestamp t);

// Any RFC 3339 date-time ("T" or "t" or a space, "Z"/"z" or a numeric offset, any number of
// fraction digits, truncated to ms). Impossible dates and times (Feb 30, hour 24, second 60,
// offsets beyond 23:59) are nullopt, and so are times outside the years 0001-9999 once
// normalised to UTC (they could not be written back as RFC 3339).
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// True for times in the years 0001-9999 (UTC): those RFC 3339 can write, so every stored one.
bool is_rfc3339_year(Timestamp t);

inline std::int64_t to_unix_ms(Timestamp t) {
    return t.time_since_epoch().count();
}
inline Timestamp from_unix_ms(std::int64_t ms) {
    return Timestamp{std::chrono::milliseconds{ms}};
}

}  // namespace taskcore
