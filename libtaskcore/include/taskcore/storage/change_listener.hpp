// Wake-ups across instances on PostgreSQL: every change-log write NOTIFYs channel
// `taskcore_changes` with "<seq> <user_id>" at its commit (migration 6), and a listener holds one
// dedicated LISTEN connection whose socket an Asio executor watches. A wake-up is not the data
// (the log is): after every (re)connect the owner re-reads every stream, so a notification missed
// while disconnected loses nothing.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace taskcore {

inline constexpr std::string_view kChangesChannel = "taskcore_changes";

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

    struct Stats {
        bool connected = false;
        std::uint64_t notifications = 0;
        std::uint64_t connects = 0;  // successful connects, the first included
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
