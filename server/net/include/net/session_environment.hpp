// What every session reads of the listener that accepted it: the settings, the API, the
// metrics, the access log's user hash and route names, whether shutdown began, and the registry
// of live sessions. The listener owns it; a session holds it by reference, so the session needs
// no knowledge of the listener (and the listener's header includes the session's, not back).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "api/api.hpp"
#include "api/metrics.hpp"
#include "net/session_registry.hpp"
#include "ops/config.hpp"
#include "ops/user_hash.hpp"

namespace taskcore::server {

struct SessionEnvironment {
    SessionEnvironment(const Config& config_in, const Api& api_in, Metrics& metrics_in)
        : config(config_in),
          api(api_in),
          metrics(metrics_in),
          user_hash(config_in),
          route_templates(api_in.routes().labels()) {}

    [[nodiscard]] bool stopping() const { return stopping_flag.load(); }

    const Config& config;
    const Api& api;
    Metrics& metrics;
    UserHasher user_hash;
    // The route templates in table order, then "unmatched" (access logs name routes by them).
    std::vector<std::string> route_templates;
    std::atomic<bool> stopping_flag{false};
    std::shared_ptr<SessionRegistry> sessions = std::make_shared<SessionRegistry>();
};

}  // namespace taskcore::server
