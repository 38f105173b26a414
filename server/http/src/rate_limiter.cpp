// Token-bucket arithmetic: refill by elapsed time, take one, report what is left.
#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace taskcore::server {

RateLimiter::RateLimiter(long long per_minute, long long burst)
    : per_minute_(per_minute), burst_(burst), per_second_(static_cast<double>(per_minute) / 60.0) {}

void RateLimiter::forget_full(Shard& shard, Clock::time_point now) const {
    const auto capacity = static_cast<double>(burst_);
    std::erase_if(shard.buckets, [&](const auto& entry) {
        const std::chrono::duration<double> idle = now - entry.second.last;
        return entry.second.tokens + idle.count() * per_second_ >= capacity;
    });
}

RateDecision RateLimiter::take(std::string_view key, Clock::time_point now) {
    auto& shard = shards_[std::hash<std::string_view>{}(key) % shards_.size()];
    const auto capacity = static_cast<double>(burst_);
    const std::lock_guard lock(shard.mutex);
    auto it = shard.buckets.find(std::string(key));
    if (it == shard.buckets.end()) {
        if (shard.buckets.size() >= kShardKeys) forget_full(shard, now);
        it = shard.buckets.emplace(std::string(key), Bucket{capacity, now}).first;
    }
    auto& bucket = it->second;
    const std::chrono::duration<double> elapsed = now - bucket.last;
    bucket.tokens =
        std::min(capacity, bucket.tokens + std::max(0.0, elapsed.count()) * per_second_);
    bucket.last = std::max(bucket.last, now);
    RateDecision d;
    d.allowed = bucket.tokens >= 1.0;
    if (d.allowed) bucket.tokens -= 1.0;
    d.remaining = static_cast<long long>(std::floor(bucket.tokens));
    d.reset_s = static_cast<long long>(std::ceil((capacity - bucket.tokens) / per_second_));
    if (!d.allowed) {
        d.retry_after_s =
            std::max(1LL, static_cast<long long>(std::ceil((1.0 - bucket.tokens) / per_second_)));
    }
    return d;
}

}  // namespace taskcore::server
