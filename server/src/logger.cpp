// Leveled stderr logging; one fwrite per line keeps lines whole across threads.
#include "logger.hpp"

#include <atomic>
#include <cstdio>
#include <string>

#include "taskcore/domain/time.hpp"

namespace taskcore::server::log {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::info)};

std::string_view name(LogLevel level) {
    switch (level) {
        case LogLevel::debug:
            return "debug";
        case LogLevel::info:
            return "info";
        case LogLevel::warning:
            return "warning";
        case LogLevel::error:
            return "error";
    }
    return "info";
}

}  // namespace

void set_level(LogLevel level) {
    g_level = static_cast<int>(level);
}

bool enabled(LogLevel level) {
    return static_cast<int>(level) >= g_level.load();
}

void write(LogLevel level, std::string_view message) {
    if (!enabled(level)) return;
    std::string line = format_rfc3339(now_ms());
    line += ' ';
    line += name(level);
    line += ' ';
    line += message;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace taskcore::server::log
