// The live sessions of a listener, for shutdown: each session adds itself when it starts and
// removes itself when destroyed.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace taskcore::server {

class Session;

// Shared with every Session so that a session destroyed after the server (pending handlers
// released when the io_context goes away) still finds it.
class SessionRegistry {
  public:
    void add(Session* session, std::weak_ptr<Session> handle);
    void remove(Session* session);
    [[nodiscard]] std::vector<std::shared_ptr<Session>> live();
    [[nodiscard]] bool empty();

  private:
    std::mutex mutex_;
    std::map<Session*, std::weak_ptr<Session>> sessions_;
};

}  // namespace taskcore::server
