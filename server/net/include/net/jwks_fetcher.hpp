// Fetches and caches the JWKS of a Better Auth server (or any JWKS URL) for the verifier.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "taskcore/auth/jwk.hpp"

namespace taskcore::server {

struct JwksFetcherOptions {
    std::chrono::seconds cache_ttl{300};            // JWKS_CACHE_SECONDS
    std::chrono::seconds unknown_kid_interval{30};  // at most one refetch per interval
    std::chrono::seconds retry_after_failure{10};   // while no keys are known
    std::chrono::milliseconds timeout{5000};        // one whole fetch
    std::size_t max_bytes = std::size_t{1024} * 1024;
};

// Fetches on a thread of its own, so neither the event loop nor a request ever performs I/O
// for it; one fetch at a time (no stampede). Keys are kept when a fetch fails.
class JwksFetcher final : public KeySource {
  public:
    JwksFetcher(std::string url, JwksFetcherOptions options);
    ~JwksFetcher() override;
    JwksFetcher(const JwksFetcher&) = delete;
    JwksFetcher& operator=(const JwksFetcher&) = delete;

    std::shared_ptr<const JwkSet> keys() override;
    // Starts a refetch unless one ran within unknown_kid_interval, waits (bounded) for the
    // fetch in flight, and returns the keys known afterwards.
    std::shared_ptr<const JwkSet> refresh_for_unknown_kid() override;

    // Blocks until the first fetch attempt has finished (for start-up logging and tests).
    bool wait_for_first_attempt(std::chrono::milliseconds timeout);

  private:
    void run();

    std::string url_;
    JwksFetcherOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;      // the fetch thread waits here
    std::condition_variable finished_;  // requests wait here for a fetch to finish
    std::shared_ptr<const JwkSet> keys_ = std::make_shared<const JwkSet>();
    bool requested_ = true;  // fetch at start
    bool fetching_ = false;
    bool stopping_ = false;
    int attempts_ = 0;
    std::chrono::steady_clock::time_point last_unknown_kid_refetch_{};
    std::chrono::steady_clock::time_point next_scheduled_{};
    std::thread thread_;
};

// GET `url` (http or https with certificate and host name verification); throws
// std::runtime_error naming the failure.
std::string http_get(const std::string& url, std::chrono::milliseconds timeout,
                     std::size_t max_bytes);

}  // namespace taskcore::server
