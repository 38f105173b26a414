// The offline-sync use case: a user's changes after a seq, in commit order, refusing a position
// the log no longer covers (the client then lists afresh).
#pragma once

#include <string_view>

#include "taskcore/domain/change.hpp"
#include "taskcore/storage/change_repository.hpp"

namespace taskcore {

class ChangeFeed {
  public:
    explicit ChangeFeed(ChangeRepository& changes) : changes_(changes) {}

    // The changes with seq > query.since, oldest first. Throws ValidationError for a negative
    // since or a limit outside 1-200, and ResyncRequiredError when since is past the user's
    // latest seq or changes after it were pruned (the page would not start at since + 1, or
    // would skip one).
    ChangePage after(std::string_view user_id, const ChangesQuery& query);

    [[nodiscard]] std::int64_t latest_seq(std::string_view user_id) {
        return changes_.latest_seq(user_id);
    }

  private:
    ChangeRepository& changes_;
};

}  // namespace taskcore
