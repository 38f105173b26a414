// Parsing list query parameters (already percent-decoded key/value pairs) into list queries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "taskcore/domain/change.hpp"
#include "taskcore/domain/page.hpp"
#include "taskcore/domain/task.hpp"

namespace taskcore {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Page sizes of the list use cases (REST and MCP state them from here).
inline constexpr int kMaxPageLimit = 200;
inline constexpr int kTaskPageDefault = 50;
inline constexpr int kConversationPageDefault = 50;
inline constexpr int kMessagePageDefault = 100;  // kChangesPageDefault: domain/change.hpp

// status, priority, tag, q, sort, limit (1-200, default 50), offset (>= 0) or cursor (a
// next_cursor of the same list, list_cursor.hpp: it brings its filters and sort, which the
// request may repeat but not change). Unknown, repeated or invalid parameters throw
// ValidationError naming each one.
TaskListQuery parse_task_list_query(const QueryParams& params);

// limit (1-200, default 50 or 100), offset or cursor; a message cursor belongs to its
// conversation.
PageRequest parse_conversation_page(const QueryParams& params);
PageRequest parse_message_page(const QueryParams& params, const Uuid& conversation_id);

// since (an integer >= 0, default 0) and limit (1-200, default 100) of the changes feed.
ChangesQuery parse_changes_query(const QueryParams& params);
// since (an integer >= 0) of the event stream; nullopt without it.
std::optional<std::int64_t> parse_events_since(const QueryParams& params);
// A Last-Event-ID header of the event stream (a seq); nullopt when it is not one.
std::optional<std::int64_t> parse_last_event_id(std::string_view value);

}  // namespace taskcore
