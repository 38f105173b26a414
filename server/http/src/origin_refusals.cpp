// Rate-limited reporting of refused CORS origins.
#include "http/origin_refusals.hpp"

#include <cstdio>

namespace taskcore::server {
namespace {

constexpr std::size_t kMaxLoggedOriginBytes = 200;

// The origin as one printable line: bytes outside 0x20-0x7e become \xNN.
std::string printable(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < kMaxLoggedOriginBytes; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
            out += escaped;
        }
    }
    if (text.size() > kMaxLoggedOriginBytes) out += "...";
    return out;
}

}  // namespace

std::string origin_refusal_message(std::string_view origin) {
    return "CORS: refused origin '" + printable(origin) +
           "' (no Access-Control-Allow-Origin sent); to allow it, set FRONTEND_ORIGIN to it or add "
           "it to CORS_ORIGINS (comma-separated); reported once per origin per minute";
}

std::optional<std::string> OriginRefusals::report(std::string_view origin,
                                                  std::chrono::steady_clock::time_point now) {
    const std::lock_guard lock(mutex_);
    const std::string key(origin.substr(0, kMaxLoggedOriginBytes));
    if (const auto it = last_logged_.find(key); it != last_logged_.end()) {
        if (now - it->second < kInterval) return std::nullopt;
        it->second = now;
        return origin_refusal_message(origin);
    }
    if (last_logged_.size() >= kMaxTracked) {
        std::erase_if(last_logged_,
                      [&](const auto& entry) { return now - entry.second >= kInterval; });
        if (last_logged_.size() >= kMaxTracked) return std::nullopt;
    }
    last_logged_.emplace(key, now);
    return origin_refusal_message(origin);
}

}  // namespace taskcore::server
