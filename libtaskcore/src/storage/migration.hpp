// What both backends' migration runners share: the step type and the newer-schema guard.
#pragma once

#include <string>

#include "taskcore/domain/errors.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::storage {

struct Migration {
    int version;
    const char* sql;
};

// Refuses a database migrated by a newer taskcore: running old code on it could lose data.
inline void check_schema_not_newer(int current) {
    if (current > latest_schema_version()) {
        throw StorageError("database schema version " + std::to_string(current) +
                           " is newer than this taskcore build understands (" +
                           std::to_string(latest_schema_version()) + "); upgrade taskcore");
    }
}

}  // namespace taskcore::storage
