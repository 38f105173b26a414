// Wake-ups across instances on PostgreSQL: channel `taskcore_changes` carries "<seq> <user_id>"
// after a user's change log moved, and a listener holds one dedicated LISTEN connection whose
// socket an Asio executor watches. A change-log write NOTIFYs at its commit (migration 6) unless
// its session turned that off; a server announces its own writes instead, coalesced, on the
// listener's connection (announce()). A wake-up is not the data (the log is): after every
// (re)connect the owner re-reads every stream, so a notification missed loses nothing.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace taskcore {

inline constexpr std::string_view kChangesChannel = "taskcore_changes";
// Users waiting for the next announcement beyond this are dropped: their streams elsewhere read
// the log at their next heartbeat.
inline constexpr std::size_t kMaxPendingAnnouncements = 10000;

struct ChangeListenerCallbacks {
    // `user_id`'s log reached `seq` (committed). Runs on the listener's executor.
    std::function<void(std::string_view user_id, std::int64_t seq)> changed;
    // The listener (re)connected and is LISTENing: anything may have been missed before.
    std::function<void()> connected;
    // The connection failed or broke (with why); it is retried with backoff.
    std::function<void(const std::string& why)> lost;
};

class ChangeListener {
  public:
    virtual ~ChangeListener() = default;
    // Connects (on `blocking`), then listens (on `executor`) until stop(); reconnects with
    // backoff from 100 ms to 5 s. Call once.
    virtual void start() = 0;
    // Closes the connection; no callback runs afterwards. Any thread.
    virtual void stop() = 0;
    // `user_id`'s log moved (a write committed here): NOTIFY every listening instance. Users
    // announced while one announcement is on its way go out together in the next, one NOTIFY
    // transaction for all of them (a NOTIFYing commit takes a database-wide lock, so one per
    // write serialised every commit). Kept while disconnected, up to
    // kMaxPendingAnnouncements users, and sent on reconnect; the listener skips its own. Any
    // thread.
    virtual void announce(std::string_view user_id) = 0;

    struct Stats {
        bool connected = false;
        std::uint64_t notifications = 0;
        std::uint64_t connects = 0;       // successful connects, the first included
        std::uint64_t announcements = 0;  // NOTIFY statements sent by announce()
    };
    [[nodiscard]] virtual Stats stats() const = 0;
};

// A listener on the PostgreSQL database at `url`. It must be a direct connection (LISTEN does
// not survive a transaction-mode pooler); its application_name is taskcore-listener unless the
// URL names one. Throws std::invalid_argument for other URLs.
std::shared_ptr<ChangeListener> open_change_listener(const std::string& url,
                                                     const boost::asio::any_io_executor& executor,
                                                     const boost::asio::any_io_executor& blocking,
                                                     ChangeListenerCallbacks callbacks);

}  // namespace taskcore
