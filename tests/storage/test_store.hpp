// Opens the store under test from TASKCORE_TEST_DATABASE_URL; fails loudly when it is unset.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "support/pipelined_store.hpp"
#include "support/test_database.hpp"
#include "taskcore/domain/uuid.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::testing {

// A fresh user id per test, so suites can share one database (PostgreSQL) without clean-up.
inline std::string fresh_user(const std::string& tag = "user") {
    return tag + "-" + generate_uuid_v7().to_string();
}

inline std::string test_database_url() {
    try {
        return resolve_test_database_url();
    } catch (const std::exception& e) {
        FAIL(e.what());
    }
    return {};
}

inline std::unique_ptr<Store> open_test_store(StoreOptions options = {}) {
    const auto url = test_database_url();
    const char* raw = std::getenv("TASKCORE_TEST_DATABASE_URL");
    const std::string which = raw != nullptr ? raw : "";
    if (which == "postgres-pipelined-unnamed") options.prepared_statements = false;
    std::unique_ptr<Store> store = open_store(url, options);
    store->migrate();
    if (which.starts_with("postgres-pipelined")) {
        store = std::make_unique<PipelinedStore>(std::move(store), url, options);
    }
    return store;
}

// The store a contract suite's tests share (one per test process).
inline Store& suite_store() {
    static auto store = open_test_store();
    return *store;
}

}  // namespace taskcore::testing
