// A leveled logger writing one record per line to stderr, as text or as JSON lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ops/config.hpp"

namespace taskcore::server::log {

void set_level(LogLevel level);
void set_format(LogFormat format);
bool enabled(LogLevel level);
// One record; line breaks and other control characters in `message` are escaped, so a record
// never spans lines in either format.
void write(LogLevel level, std::string_view message);

// One finished HTTP request (logged at info).
struct AccessRecord {
    std::string_view method;
    std::string_view path;   // the raw path: text format only (it may carry a user id)
    std::string_view route;  // the route's template: JSON only
    unsigned status = 0;
    std::int64_t duration_us = 0;
    std::string_view request_id;
    std::string user_hash;           // empty: no authenticated user
    std::vector<std::string> tools;  // MCP: "tool:outcome" of each tools/call
};
void access(const AccessRecord& record);

// The text with control characters escaped as \n, \r, \t, \u00XX: one line of the text
// format (JSON records use json::append_json_string).
std::string escape(std::string_view text);

inline void debug(std::string_view m) {
    write(LogLevel::debug, m);
}
inline void info(std::string_view m) {
    write(LogLevel::info, m);
}
inline void warning(std::string_view m) {
    write(LogLevel::warning, m);
}
inline void error(std::string_view m) {
    write(LogLevel::error, m);
}

}  // namespace taskcore::server::log
