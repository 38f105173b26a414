// Checks of the change feed's pruning and resync rule, for a store no other test writes to
// (pruning is global): the SQLite- and PostgreSQL-specific suites run them on their own database.
#pragma once

#include <catch2/catch.hpp>

#include "taskcore/domain/errors.hpp"
#include "taskcore/service/change_feed.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::testing {

inline void check_prune_and_resync(Store& store) {
    auto write = [&](const std::string& user) {
        Task t;
        t.id = generate_uuid_v7();
        t.user_id = user;
        t.title = "logged";
        t.created_at = t.updated_at = now_ms();
        store.tasks().insert(t);
    };
    for (int i = 0; i < 3; ++i) write("alice");
    write("bob");
    ChangeFeed feed(store.changes());
    CHECK(feed.after("alice", {0, 10}).changes.size() == 3);
    CHECK(feed.after("alice", {3, 10}).changes.empty());  // up to date: not a resync

    // A position past the latest seq belongs to another database.
    try {
        feed.after("alice", {4, 10});
        FAIL("since past the latest seq must need a resync");
    } catch (const ResyncRequiredError& e) {
        CHECK(e.latest_seq() == 3);
    }
    CHECK_THROWS_AS(feed.after("alice", {-1, 10}), ValidationError);
    CHECK_THROWS_AS(feed.after("alice", {0, 0}), ValidationError);
    CHECK_THROWS_AS(feed.after("alice", {0, 201}), ValidationError);

    // Pruning every entry: positions before the latest seq are no longer covered; the latest
    // itself still is, and the log goes on from it.
    CHECK(store.changes().prune(now_ms() + std::chrono::minutes{1}) == 4);
    CHECK(store.changes().latest_seq("alice") == 3);
    for (const std::int64_t since : {0, 1, 2}) {
        CAPTURE(since);
        CHECK_THROWS_AS(feed.after("alice", {since, 10}), ResyncRequiredError);
    }
    CHECK(feed.after("alice", {3, 10}).changes.empty());
    write("alice");
    const auto page = feed.after("alice", {3, 10});
    REQUIRE(page.changes.size() == 1);
    CHECK(page.changes[0].seq == 4);
    CHECK_THROWS_AS(feed.after("alice", {2, 10}), ResyncRequiredError);
    // An old cut-off prunes nothing.
    CHECK(store.changes().prune(from_unix_ms(0)) == 0);
}

}  // namespace taskcore::testing
