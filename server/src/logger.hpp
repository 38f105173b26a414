// A minimal leveled logger writing single lines to stderr.
#pragma once

#include <string_view>

#include "config.hpp"

namespace taskcore::server::log {

void set_level(LogLevel level);
bool enabled(LogLevel level);
void write(LogLevel level, std::string_view message);

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
