// List pages: what a page holds, and which page a list request asks for (offset or keyset).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "taskcore/domain/time.hpp"
#include "taskcore/domain/uuid.hpp"

namespace taskcore {

template <typename T>
struct Page {
    std::vector<T> items;
    // Every row the list's filters select (not only those after the page).
    std::int64_t total = 0;
    // True when rows follow this page in the list's order (the storage reads one row more).
    bool has_more = false;
};

// A keyset position in a list ordered by (timestamp, id): conversations by updated_at newest
// first, messages by created_at oldest first. The page starts just after this row.
struct KeysetPosition {
    Timestamp at;
    Uuid id;

    bool operator==(const KeysetPosition&) const = default;
};

// A page of conversations or messages: `limit` rows after `offset` rows, or after `after`
// (never both; the services refuse that).
struct PageRequest {
    int limit = 50;
    std::int64_t offset = 0;
    std::optional<KeysetPosition> after;
};

}  // namespace taskcore
