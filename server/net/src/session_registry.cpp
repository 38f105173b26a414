// The live sessions of a listener (weak handles only: the registry never keeps one alive).
#include "net/session_registry.hpp"

namespace taskcore::server {

void SessionRegistry::add(Session* session, std::weak_ptr<Session> handle) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(session, std::move(handle));
}

void SessionRegistry::remove(Session* session) {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
}

std::vector<std::shared_ptr<Session>> SessionRegistry::live() {
    std::vector<std::shared_ptr<Session>> out;
    std::lock_guard lock(mutex_);
    for (auto& [ptr, weak] : sessions_) {
        if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
}

bool SessionRegistry::empty() {
    std::lock_guard lock(mutex_);
    return sessions_.empty();
}

}  // namespace taskcore::server
