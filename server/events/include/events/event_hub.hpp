// In-process fan-out for the event streams: "user U's change log moved on" reaches that user's
// open streams (O(streams of U)); the log itself is the data, this is only the wake-up. Also
// the per-user and total stream limits, and the end of every stream at shutdown.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "taskcore/storage/change_listener.hpp"

namespace taskcore::server {

// What a stream gives the hub: a wake-up that may be called from any thread.
class StreamWaker {
  public:
    virtual ~StreamWaker() = default;
    virtual void wake() = 0;
};

// Shared-owned (make_shared): a stream's slot keeps the hub alive, since streams can outlive
// the API object at process exit (their handlers are destroyed with the I/O contexts).
class EventHub : public std::enable_shared_from_this<EventHub> {
  public:
    EventHub(int max_per_user, int max_total)
        : max_per_user_(max_per_user), max_total_(max_total) {}

    // A stream's place in the hub: counted against the limits while it lives.
    class Slot {
      public:
        Slot(std::shared_ptr<EventHub> hub, std::string user)
            : hub_(std::move(hub)), user_(std::move(user)) {}
        ~Slot();
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        // Wake-ups of this user go to `waker` from now on.
        void attach(const std::shared_ptr<StreamWaker>& waker);
        [[nodiscard]] const std::string& user() const { return user_; }

      private:
        std::shared_ptr<EventHub> hub_;
        std::string user_;
        std::weak_ptr<StreamWaker> waker_;
    };

    enum class Refusal { user_limit, total_limit, stopping };
    // A slot for one more stream of `user`, or why not (refusal is set exactly when slot is not).
    struct Reservation {
        std::unique_ptr<Slot> slot;
        std::optional<Refusal> refusal;
    };
    Reservation reserve(const std::string& user);

    // Wakes the streams of `user` on this instance (a write of theirs, here or elsewhere).
    void notify(std::string_view user);
    // A write of `user`'s committed here: wakes their streams here, and announces it to the
    // other instances through the change listener (PostgreSQL).
    void wrote(std::string_view user);
    // Wakes every stream: wake-ups may have been missed (the change listener reconnected).
    void notify_all();
    // Ends every stream (graceful shutdown): they are woken, see stopping() and finish.
    void shutdown();
    [[nodiscard]] bool stopping() const;
    [[nodiscard]] std::size_t streams() const;

    // The change listener waking this hub (PostgreSQL), also read by metrics; `announce`: it
    // announces this instance's writes (EVENTS_NOTIFY). Set once before serving.
    void set_listener(std::shared_ptr<ChangeListener> listener, bool announce) {
        listener_ = std::move(listener);
        announce_ = announce;
    }
    [[nodiscard]] const ChangeListener* listener() const { return listener_.get(); }

  private:
    void release(const std::string& user, const std::weak_ptr<StreamWaker>& waker);
    void attach(const std::string& user, const std::weak_ptr<StreamWaker>& waker);

    struct ByOwner {
        bool operator()(const std::weak_ptr<StreamWaker>& a,
                        const std::weak_ptr<StreamWaker>& b) const {
            return a.owner_before(b);
        }
    };
    struct UserStreams {
        int count = 0;
        std::set<std::weak_ptr<StreamWaker>, ByOwner> wakers;
    };

    const int max_per_user_;
    const int max_total_;
    mutable std::mutex mutex_;
    std::map<std::string, UserStreams, std::less<>> users_;
    int total_ = 0;
    bool stopping_ = false;
    std::shared_ptr<ChangeListener> listener_;
    bool announce_ = false;
};

// What the events handler hands the network layer: the stream to open once its response
// header (already built, 200 text/event-stream) is written.
struct StreamStart {
    std::unique_ptr<EventHub::Slot> slot;  // the user, counted against the limits
    std::int64_t after = 0;  // the last seq the client has; the stream goes on from it
    bool resumed = false;    // Last-Event-ID or since= given; else the first event is `ready`
    std::chrono::system_clock::time_point expires_at{};  // the token's exp: the stream ends there
};

}  // namespace taskcore::server
