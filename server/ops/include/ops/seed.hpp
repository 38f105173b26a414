// The `seed` command: fixed demo users with tasks and a conversation, plus ready-to-use tokens.
#pragma once

#include <ostream>

#include "ops/config.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::server {

inline constexpr const char* kDemoUsers[] = {"demo-alice", "demo-bob"};

// Idempotent: existing demo rows are left as they are. `reset` first deletes the demo users'
// data (and nobody else's). Prints tokens and curl lines to `out`.
void run_seed(Store& store, const Config& config, bool reset, std::ostream& out);

}  // namespace taskcore::server
