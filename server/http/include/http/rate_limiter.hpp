// Per-key token buckets (a user, or a client address for unauthenticated floods), in this
// process's memory: each instance limits on its own (docs/api.md, "Rate limits").
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace taskcore::server {

struct RateDecision {
    bool allowed = true;
    long long remaining = 0;      // whole tokens left after this request
    long long reset_s = 0;        // seconds until the bucket is full again
    long long retry_after_s = 0;  // when refused: seconds until one token is back
};

// The bucket of an authenticated user (REST requests and MCP calls share it), and of a client
// address (requests whose token was refused).
inline std::string user_bucket(std::string_view user) {
    return "user:" + std::string(user);
}
inline std::string address_bucket(std::string_view address) {
    return "address:" + std::string(address);
}

class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    // `per_minute` tokens are added per minute, up to `burst`; both > 0.
    RateLimiter(long long per_minute, long long burst);

    // Takes one token from `key`'s bucket (a new key starts full).
    RateDecision take(std::string_view key, Clock::time_point now = Clock::now());

    [[nodiscard]] long long per_minute() const { return per_minute_; }
    [[nodiscard]] long long burst() const { return burst_; }

  private:
    struct Bucket {
        double tokens;
        Clock::time_point last;
    };
    struct Shard {
        std::mutex mutex;
        std::unordered_map<std::string, Bucket> buckets;
    };
    // Past this many keys a shard forgets the buckets that have refilled (they would start full
    // anyway), so memory follows the active keys, not every key ever seen.
    static constexpr std::size_t kShardKeys = 4096;

    void forget_full(Shard& shard, Clock::time_point now) const;

    long long per_minute_;
    long long burst_;
    double per_second_;
    std::array<Shard, 16> shards_;
};

}  // namespace taskcore::server
