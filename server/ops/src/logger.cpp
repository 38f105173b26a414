// Leveled stderr logging; one fwrite per record keeps records whole across threads.
#include "ops/logger.hpp"

#include <atomic>
#include <cstdio>
#include <string>

#include "taskcore/domain/text.hpp"
#include "taskcore/domain/time.hpp"
#include "taskcore/json/codec.hpp"

namespace taskcore::server::log {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::info)};
std::atomic<bool> g_json{false};

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

void emit(std::string& line) {
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
}

// `{"ts":"…","level":"…"` — the opening every JSON record shares.
std::string json_head(LogLevel level) {
    std::string line = R"({"ts":")" + format_rfc3339(now_ms()) + R"(","level":")";
    line += name(level);
    line += '"';
    return line;
}

// `"value"` as JSON; JSON text must be UTF-8, so invalid bytes (from a peer, say) become U+FFFD.
void json_string(std::string& line, std::string_view value) {
    if (is_valid_utf8(value)) {
        json::append_json_string(line, value);
    } else {
        json::append_json_string(line, to_valid_utf8(value));
    }
}

void json_field(std::string& line, std::string_view key, std::string_view value) {
    line += ",\"";
    line += key;
    line += "\":";
    json_string(line, value);
}

}  // namespace

void set_level(LogLevel level) {
    g_level = static_cast<int>(level);
}

void set_format(LogFormat format) {
    g_json = format == LogFormat::json;
}

bool enabled(LogLevel level) {
    return static_cast<int>(level) >= g_level.load();
}

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            char escaped[7];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else {
            out += ch;
        }
    }
    return out;
}

void write(LogLevel level, std::string_view message) {
    if (!enabled(level)) return;
    std::string line;
    if (g_json.load(std::memory_order_relaxed)) {
        line = json_head(level);
        json_field(line, "msg", message);
        line += '}';
    } else {
        line = format_rfc3339(now_ms());
        line += ' ';
        line += name(level);
        line += ' ';
        line += escape(message);
    }
    emit(line);
}

void access(const AccessRecord& r) {
    if (!enabled(LogLevel::info)) return;
    std::string line;
    if (g_json.load(std::memory_order_relaxed)) {
        line = json_head(LogLevel::info);
        json_field(line, "msg", "request");
        json_field(line, "method", r.method);
        json_field(line, "route", r.route);
        line += ",\"status\":" + std::to_string(r.status);
        line += ",\"duration_us\":" + std::to_string(r.duration_us);
        json_field(line, "request_id", r.request_id);
        if (!r.user_hash.empty()) json_field(line, "user_hash", r.user_hash);
        if (!r.tools.empty()) {
            line += ",\"tools\":[";
            for (std::size_t i = 0; i < r.tools.size(); ++i) {
                if (i > 0) line += ',';
                json_string(line, r.tools[i]);
            }
            line += ']';
        }
        line += '}';
    } else {
        line = format_rfc3339(now_ms()) + " info " + escape(r.method) + " " + escape(r.path) + " " +
               std::to_string(r.status) + " " + std::to_string(r.duration_us) + "us " +
               (r.request_id.empty() ? std::string("-") : escape(r.request_id));
        for (const auto& tool : r.tools) line += " tool=" + escape(tool);
    }
    emit(line);
}

}  // namespace taskcore::server::log
