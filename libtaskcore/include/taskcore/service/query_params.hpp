// Parsing list query parameters (already percent-decoded key/value pairs) into list queries.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "taskcore/domain/task.hpp"

namespace taskcore {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Page sizes of the list use cases (REST and MCP state them from here).
inline constexpr int kMaxPageLimit = 200;
inline constexpr int kTaskPageDefault = 50;
inline constexpr int kConversationPageDefault = 50;
inline constexpr int kMessagePageDefault = 100;

struct PageRequest {
    int limit = 50;
    std::int64_t offset = 0;
};

// status, priority, tag, q, sort, limit (1-200, default 50), offset (>= 0). Unknown, repeated or
// invalid parameters throw ValidationError naming each one.
TaskListQuery parse_task_list_query(const QueryParams& params);

// limit (1-200, default `default_limit`) and offset only.
PageRequest parse_page_request(const QueryParams& params, int default_limit);

}  // namespace taskcore
