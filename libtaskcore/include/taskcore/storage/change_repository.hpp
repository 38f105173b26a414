// Storage interface for the per-user change log. The log is written by the database itself, in
// the transaction of every task, conversation and message write (migration 5), so no write path
// can skip it; this interface only reads and prunes it.
#pragma once

#include <cstdint>
#include <string_view>

#include "taskcore/domain/change.hpp"

namespace taskcore {

class ChangeRepository {
  public:
    virtual ~ChangeRepository() = default;

    // The user's changes with seq > `since`, oldest first, at most `limit` (one more is read to
    // set has_more), each with its object as it is now, and the user's latest seq: one snapshot.
    virtual ChangePage after(std::string_view user_id, std::int64_t since, int limit) = 0;
    // The user's latest seq (0 before the first write).
    virtual std::int64_t latest_seq(std::string_view user_id) = 0;
    // Deletes every user's changes recorded before `before`; returns how many rows went.
    virtual std::int64_t prune(Timestamp before) = 0;
};

}  // namespace taskcore
