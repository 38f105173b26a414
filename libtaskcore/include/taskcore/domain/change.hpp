// One entry of a user's change log (what was written, in commit order) and a page of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/task.hpp"

namespace taskcore {

enum class ChangeKind { task, conversation, message };
enum class ChangeOp { created, updated, deleted };

std::string_view to_string(ChangeKind kind);
std::string_view to_string(ChangeOp op);
std::optional<ChangeKind> parse_change_kind(std::string_view text);
std::optional<ChangeOp> parse_change_op(std::string_view text);

// The object a change is about, as it is now; monostate when it no longer exists (a tombstone:
// deleted by this change or a later one).
using ChangedObject = std::variant<std::monostate, Task, Conversation, Message>;

struct Change {
    std::int64_t seq = 0;  // per user: 1, 2, 3, ... in commit order, no gaps
    ChangeKind kind = ChangeKind::task;
    ChangeOp op = ChangeOp::created;
    Uuid id;                              // the task, conversation or message
    std::optional<Uuid> conversation_id;  // a message's conversation
    Timestamp at;                         // when the database recorded it
    ChangedObject current;
};

// A read of the log: the changes after `since` (0: from the first), at most `limit`.
inline constexpr int kChangesPageDefault = 100;
struct ChangesQuery {
    std::int64_t since = 0;
    int limit = kChangesPageDefault;
};

// Changes after a position, oldest first, and the user's latest seq, from one snapshot.
struct ChangePage {
    std::vector<Change> changes;
    std::int64_t latest_seq = 0;  // 0 before the user's first write
    bool has_more = false;
};

}  // namespace taskcore
