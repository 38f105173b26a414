// Opens the store under test from TASKCORE_TEST_DATABASE_URL; fails loudly when it is unset.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "taskcore/domain/uuid.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::testing {

// A fresh user id per test, so suites can share one database (PostgreSQL) without clean-up.
inline std::string fresh_user(const std::string& tag = "user") {
    return tag + "-" + generate_uuid_v7().to_string();
}

inline std::string test_database_url() {
    const char* url = std::getenv("TASKCORE_TEST_DATABASE_URL");
    if (url == nullptr || *url == '\0') {
        FAIL("TASKCORE_TEST_DATABASE_URL is not set: run the tests through scripts/test.sh");
    }
    std::string value = url;
    if (value == "sqlite-temp-file") {
        const auto dir = std::filesystem::temp_directory_path() /
                         ("taskcore-test-" + generate_uuid_v7().to_string());
        std::filesystem::create_directories(dir);
        value = "sqlite:///" + (dir / "test.db").string();  // absolute: sqlite:////tmp/...
    }
    return value;
}

inline std::unique_ptr<Store> open_test_store(StoreOptions options = {}) {
    auto store = open_store(test_database_url(), options);
    store->migrate();
    return store;
}

}  // namespace taskcore::testing
