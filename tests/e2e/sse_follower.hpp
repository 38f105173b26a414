// A Server-Sent Events client for the real server: follows one user's stream on its own thread,
// records every event's seq in arrival order, and reconnects with Last-Event-ID whenever the
// connection ends (an instance killed, a shutdown), as EventSource does.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace taskcore::testing {

class SseFollower {
  public:
    // `port` is asked again before every reconnect. The first connection asks for the log
    // after `since` (0: the whole log).
    SseFollower(std::function<unsigned short()> port, std::string user, std::string token,
                std::int64_t since = 0);
    ~SseFollower();
    SseFollower(const SseFollower&) = delete;
    SseFollower& operator=(const SseFollower&) = delete;

    // The seqs received so far, in arrival order (duplicates kept: a test must see them).
    [[nodiscard]] std::vector<std::int64_t> seqs() const;
    [[nodiscard]] std::size_t count() const;
    // Connections opened after the first one.
    [[nodiscard]] int reconnects() const { return reconnects_.load(); }
    // Waits until `seq` has arrived or `within` passed; true if it arrived.
    bool wait_for(std::int64_t seq, std::chrono::milliseconds within) const;
    // Waits until the first response's header arrived (the stream is open) or `within` passed.
    bool wait_open(std::chrono::milliseconds within) const;

  private:
    void run();
    void follow_once(unsigned short port);

    std::function<unsigned short()> port_;
    std::string user_;
    std::string token_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> reconnects_{-1};
    std::atomic<bool> open_{false};
    mutable std::mutex mutex_;
    std::vector<std::int64_t> seqs_;
    std::int64_t last_ = 0;
    int socket_ = -1;  // guarded by mutex_: shut down by the destructor to end a blocked read
    std::thread thread_;
};

}  // namespace taskcore::testing
