// The log line for a request from an Origin the CORS allow-list does not name: once per origin
// per minute, so a misconfigured front end is visible in the server's log without flooding it.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace taskcore::server {

class OriginRefusals {
  public:
    static constexpr std::chrono::seconds kInterval{60};
    // Origins remembered at once; beyond it, further new origins are not logged until a minute
    // passes (an attacker sending random origins cannot grow the map or the log without bound).
    static constexpr std::size_t kMaxTracked = 256;

    // The line to log for a refusal of `origin` at `now`, or nullopt when this origin was
    // already reported within the last minute.
    std::optional<std::string> report(std::string_view origin,
                                      std::chrono::steady_clock::time_point now);

  private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> last_logged_;
};

// The line naming the refused origin (non-printable bytes escaped, long values cut and marked)
// and the variables that would allow it.
std::string origin_refusal_message(std::string_view origin);

}  // namespace taskcore::server
