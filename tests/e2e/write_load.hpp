// Concurrent creates against a running server, and the audit after a crash: which acknowledged
// writes survived, which were stored twice, which were stored without an acknowledgement.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace taskcore::testing {

class WriteLoad {
  public:
    // `port` is read before each reconnect, so a restarted server on a new port is followed.
    WriteLoad(std::function<unsigned short()> port, std::string user, std::string token);
    ~WriteLoad();
    WriteLoad(const WriteLoad&) = delete;
    WriteLoad& operator=(const WriteLoad&) = delete;

    // Starts `writers` threads, each creating tasks titled "<writer>-<n>" one after another on
    // its own keep-alive connection, reconnecting after any failure.
    void start(int writers);
    // Stops the writers and waits for them.
    void stop();

    // Titles answered 201, and titles sent without a 201 (an error status, or no reply at all).
    [[nodiscard]] std::set<std::string> acknowledged() const;
    [[nodiscard]] std::set<std::string> unacknowledged() const;
    [[nodiscard]] std::size_t acknowledged_count() const;

  private:
    void write_until_stopped(int writer);

    std::function<unsigned short()> port_;
    std::string user_;
    std::string token_;
    std::atomic<bool> stopping_{false};
    std::vector<std::thread> threads_;
    mutable std::mutex mutex_;
    std::set<std::string> acknowledged_;
    std::set<std::string> unacknowledged_;
};

// What the database holds for a user after a crash, compared with what clients were told.
struct CrashAudit {
    std::size_t acknowledged = 0;           // 201s received
    std::size_t present = 0;                // acknowledged titles found after restart
    std::size_t duplicated = 0;             // titles stored more than once
    std::size_t unacknowledged_stored = 0;  // sent without a 201, yet stored (allowed)
    std::size_t stored_unknown = 0;         // stored titles nobody sent (must be 0)
};

// Lists every task of `user` (all pages) on the server at `port` and audits them against `load`.
CrashAudit audit_after_crash(unsigned short port, const std::string& user, const std::string& token,
                             const WriteLoad& load);

}  // namespace taskcore::testing
