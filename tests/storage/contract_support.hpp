// What the storage contract files share: the store under test (one per executable, migrated
// once), fixed instants and a task to insert.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "taskcore/domain/task.hpp"
#include "taskcore/domain/time.hpp"
#include "taskcore/domain/uuid.hpp"
#include "taskcore/storage/store.hpp"
#include "test_store.hpp"

namespace taskcore::testing {

inline Store& store() {
    static auto s = open_test_store();
    return *s;
}

// `seconds` past a fixed instant in 2027: far from now, so writes "at now" sort after it.
inline Timestamp at(std::int64_t seconds) {
    return from_unix_ms(1'800'000'000'000 + seconds * 1000);
}

inline Task make_task(const std::string& user, std::string title, Timestamp created = at(0)) {
    Task t;
    t.id = generate_uuid_v7();
    t.user_id = user;
    t.title = std::move(title);
    t.created_at = created;
    t.updated_at = created;
    return t;
}

inline std::vector<std::string> titles(const Page<Task>& page) {
    std::vector<std::string> out;
    for (const auto& t : page.items) out.push_back(t.title);
    return out;
}

inline Page<Task> list(const std::string& user, TaskListQuery q = {}) {
    return store().tasks().list(user, q);
}

}  // namespace taskcore::testing
