// EventHub: limits, wake-ups by user and the shutdown of every stream.
#include "events/event_hub.hpp"

#include <vector>

namespace taskcore::server {

EventHub::Slot::~Slot() {
    hub_->release(user_, waker_);
}

void EventHub::Slot::attach(const std::shared_ptr<StreamWaker>& waker) {
    waker_ = waker;
    hub_->attach(user_, waker_);
}

EventHub::Reservation EventHub::reserve(const std::string& user) {
    const std::lock_guard lock(mutex_);
    if (stopping_) return {nullptr, Refusal::stopping};
    if (total_ >= max_total_) return {nullptr, Refusal::total_limit};
    auto& streams = users_[user];
    if (streams.count >= max_per_user_) return {nullptr, Refusal::user_limit};
    ++streams.count;
    ++total_;
    return {std::make_unique<Slot>(shared_from_this(), user), std::nullopt};
}

void EventHub::attach(const std::string& user, const std::weak_ptr<StreamWaker>& waker) {
    const std::lock_guard lock(mutex_);
    users_[user].wakers.insert(waker);
}

void EventHub::release(const std::string& user, const std::weak_ptr<StreamWaker>& waker) {
    const std::lock_guard lock(mutex_);
    const auto it = users_.find(user);
    if (it == users_.end()) return;
    it->second.wakers.erase(waker);
    --total_;
    if (--it->second.count == 0) users_.erase(it);
}

void EventHub::notify(std::string_view user) {
    std::vector<std::shared_ptr<StreamWaker>> wake;
    {
        const std::lock_guard lock(mutex_);
        const auto it = users_.find(user);
        if (it == users_.end()) return;
        for (const auto& w : it->second.wakers) {
            if (auto live = w.lock()) wake.push_back(std::move(live));
        }
    }
    for (const auto& w : wake) w->wake();  // outside the lock: wake() posts to the stream's thread
}

void EventHub::wrote(std::string_view user) {
    notify(user);
    if (listener_ && announce_) listener_->announce(user);
}

void EventHub::notify_all() {
    std::vector<std::shared_ptr<StreamWaker>> wake;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [user, streams] : users_) {
            for (const auto& w : streams.wakers) {
                if (auto live = w.lock()) wake.push_back(std::move(live));
            }
        }
    }
    for (const auto& w : wake) w->wake();
}

void EventHub::shutdown() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    notify_all();
}

bool EventHub::stopping() const {
    const std::lock_guard lock(mutex_);
    return stopping_;
}

std::size_t EventHub::streams() const {
    const std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(total_);
}

}  // namespace taskcore::server
