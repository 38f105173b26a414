// RFC 3339 formatting and parsing on top of std::chrono civil-calendar types.
#include "taskcore/domain/time.hpp"

#include <cstdint>
#include <cstdio>

namespace taskcore {
namespace {

using namespace std::chrono;

// Reads exactly `n` decimal digits at `pos`; -1 when any is not a digit.
int read_digits(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return -1;
    int value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

}  // namespace

Timestamp now_ms() {
    return time_point_cast<milliseconds>(system_clock::now());
}

std::string format_rfc3339(Timestamp t) {
    std::string out;
    append_rfc3339(out, t);
    return out;
}

void append_rfc3339(std::string& out, Timestamp t) {
    // Hand-rolled: this runs several times per task in every list response, and snprintf was
    // the single largest cost of encoding one (callgrind, 2026-11-22).
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    const int year = int(ymd.year());
    if (year < 0 || year > 9999) {  // outside RFC 3339's range: keep the old general path
        char buf[48];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year,
                      unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                      int(hms.minutes().count()), int(hms.seconds().count()),
                      int(hms.subseconds().count()));
        out += buf;
        return;
    }
    const auto start = out.size();
    out += "0000-00-00T00:00:00.000Z";
    char* text = out.data() + start;
    auto put = [text](std::size_t pos, long long value, int width) {
        for (int i = width - 1; i >= 0; --i) {
            text[pos + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    put(0, year, 4);
    put(5, unsigned(ymd.month()), 2);
    put(8, unsigned(ymd.day()), 2);
    put(11, hms.hours().count(), 2);
    put(14, hms.minutes().count(), 2);
    put(17, hms.seconds().count(), 2);
    put(20, hms.subseconds().count(), 3);
}

namespace {

// ".123456" at `pos`: the milliseconds (extra digits truncated); advances `pos`. Absent: 0.
std::optional<int> read_fraction(std::string_view s, std::size_t& pos) {
    int millis = 0;
    if (pos >= s.size() || s[pos] != '.') return millis;
    const std::size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (pos - start < 3) millis = millis * 10 + (s[pos] - '0');
        ++pos;
    }
    const std::size_t digits = pos - start;
    if (digits == 0) return std::nullopt;
    for (std::size_t i = digits; i < 3; ++i) millis *= 10;
    return millis;
}

// "Z" or "+hh:mm" at `pos`: the offset east of UTC in minutes; advances `pos`.
std::optional<int> read_offset(std::string_view s, std::size_t& pos) {
    if (pos >= s.size()) return std::nullopt;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
        return 0;
    }
    if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
    const int oh = read_digits(s, pos + 1, 2), om = read_digits(s, pos + 4, 2);
    if (oh < 0 || om < 0 || pos + 3 >= s.size() || s[pos + 3] != ':') return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    const int sign = s[pos] == '-' ? -1 : 1;
    pos += 6;
    return (oh * 60 + om) * sign;
}

}  // namespace

std::optional<Timestamp> parse_rfc3339(std::string_view s) {
    // date-time = YYYY-MM-DD ("T" / "t" / " ") hh:mm:ss [.frac] ("Z" / "z" / ("+"/"-") hh:mm)
    if (s.size() < 20) return std::nullopt;
    const int y = read_digits(s, 0, 4), mo = read_digits(s, 5, 2), d = read_digits(s, 8, 2);
    const int h = read_digits(s, 11, 2), mi = read_digits(s, 14, 2), sec = read_digits(s, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return std::nullopt;
    if (s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') return std::nullopt;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                             day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;

    std::size_t pos = 19;
    const auto millis = read_fraction(s, pos);
    const auto offset_minutes = millis ? read_offset(s, pos) : std::nullopt;
    if (!offset_minutes || pos != s.size()) return std::nullopt;
    const auto local =
        sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{*millis};
    const auto utc = time_point_cast<milliseconds>(local - minutes{*offset_minutes});
    if (!is_rfc3339_year(utc)) return std::nullopt;
    return utc;
}

bool is_rfc3339_year(Timestamp t) {
    // 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: plain numbers, so any int64 (a
    // decoded cursor's, say) is safe to test.
    constexpr std::int64_t kFirst = -62135596800000;
    constexpr std::int64_t kLast = 253402300799999;
    return to_unix_ms(t) >= kFirst && to_unix_ms(t) <= kLast;
}

}  // namespace taskcore
