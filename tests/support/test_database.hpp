// Which database a backend-parameterised test binary runs against, chosen by ctest's environment.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "taskcore/domain/uuid.hpp"

namespace taskcore::testing {

// TASKCORE_TEST_DATABASE_URL is a database URL, or "sqlite-temp-file" (a fresh SQLite file in
// a temp dir), or "postgres-from-env" (the cluster scripts/test.sh starts, TASKCORE_TEST_PG_URL),
// or "postgres-pipelined" / "postgres-pipelined-unnamed" (the same cluster; storage tests read
// through the pipelined path, the latter with unnamed statements as behind a pooler).
// Throws when the PostgreSQL URL is missing, so those tests fail instead of skipping.
inline std::string resolve_test_database_url() {
    const char* raw = std::getenv("TASKCORE_TEST_DATABASE_URL");
    if (raw == nullptr || *raw == '\0') {
        throw std::runtime_error(
            "TASKCORE_TEST_DATABASE_URL is not set: run the tests through ctest "
            "(scripts/test.sh)");
    }
    const std::string value = raw;
    if (value == "sqlite-temp-file") {
        const auto dir = std::filesystem::temp_directory_path() /
                         ("taskcore-test-" + generate_uuid_v7().to_string());
        std::filesystem::create_directories(dir);
        return "sqlite:///" + (dir / "test.db").string();
    }
    if (value == "postgres-from-env" || value.starts_with("postgres-pipelined")) {
        const char* pg = std::getenv("TASKCORE_TEST_PG_URL");
        if (pg == nullptr || *pg == '\0') {
            throw std::runtime_error(
                "TASKCORE_TEST_PG_URL is not set: the PostgreSQL tests need the throwaway cluster "
                "that scripts/test.sh starts");
        }
        return pg;
    }
    return value;
}

}  // namespace taskcore::testing
