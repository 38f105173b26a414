// The storage contract for keyed writes (Idempotency-Key), run against every backend.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "contract_support.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/service/idempotent_writes.hpp"
#include "taskcore/service/task_service.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

// A keyed create as the server does it: the effect renders its "response" inside the unit.
StoredResponse create_in(UnitOfWork& unit, const std::string& user, const std::string& title) {
    TaskService tasks(unit.tasks, [] { return at(1); });
    const auto t = tasks.create(user, NewTask{.title = title});
    return {201, "/tasks/" + t.id.to_string(), "\"v1\"", R"({"title":")" + title + "\"}"};
}

}  // namespace

TEST_CASE("a keyed write runs once, its retry gets the stored response back") {
    const auto user = fresh_user(), other = fresh_user("other");
    Timestamp now = at(1000);
    IdempotentWrites writes(store(), std::chrono::hours{24}, [&] { return now; });
    int effects = 0;
    auto create = [&](const std::string& who, const std::string& title) {
        return [&, who, title](UnitOfWork& unit) {
            ++effects;
            return create_in(unit, who, title);
        };
    };
    const auto first = writes.run(user, "key-1", "fp-a", create(user, "a"));
    CHECK_FALSE(first.replayed);
    const auto again = writes.run(user, "key-1", "fp-a", create(user, "a"));
    CHECK(again.replayed);
    CHECK(again.response == first.response);
    CHECK(effects == 1);
    CHECK(store().tasks().list(user, {}).total == 1);

    CHECK_THROWS_AS(writes.run(user, "key-1", "fp-b", create(user, "b")),
                    IdempotencyKeyReusedError);
    // Keys are per user: the same key is another user's own.
    const auto theirs = writes.run(other, "key-1", "fp-b", create(other, "b"));
    CHECK_FALSE(theirs.replayed);
    CHECK(effects == 2);

    // After the TTL the key is free again, and prune() removes what expired.
    now += std::chrono::hours{25};
    CHECK_FALSE(writes.run(user, "key-1", "fp-c", create(user, "c")).replayed);
    CHECK(effects == 3);
    CHECK(writes.prune() >= 1);  // other's record
    CHECK_FALSE(store().idempotency().find(other, "key-1", now - std::chrono::hours{24}));
    CHECK(store().idempotency().find(user, "key-1", now - std::chrono::hours{24}));
}

TEST_CASE("a keyed write that fails stores neither its effect nor its key") {
    const auto user = fresh_user();
    IdempotentWrites writes(store(), std::chrono::hours{24});
    CHECK_THROWS_AS(writes.run(user, "k", "fp",
                               [&](UnitOfWork& unit) -> StoredResponse {
                                   create_in(unit, user, "written, then undone");
                                   throw ValidationError("x", "fails after the insert");
                               }),
                    ValidationError);
    CHECK(store().tasks().list(user, {}).total == 0);
    CHECK_FALSE(store().idempotency().find(user, "k", from_unix_ms(0)));
    // The retry runs for real.
    CHECK_FALSE(
        writes.run(user, "k", "fp", [&](UnitOfWork& unit) { return create_in(unit, user, "ok"); })
            .replayed);
    CHECK(store().tasks().list(user, {}).total == 1);
}

TEST_CASE("idempotency keys are 1 to 255 printable characters") {
    IdempotentWrites writes(store(), std::chrono::hours{24});
    auto noop = [](UnitOfWork&) { return StoredResponse{200, "", "", "{}"}; };
    for (const std::string& bad : {std::string(), std::string(256, 'k'), std::string("a b"),
                                   std::string("tab\t"), std::string("\x7f")}) {
        CHECK_THROWS_AS(writes.run("u", bad, "fp", noop), ValidationError);
    }
    CHECK_NOTHROW(writes.run(fresh_user(), std::string(255, 'k'), "fp", noop));
}

TEST_CASE("twenty concurrent keyed writes with one key make one effect") {
    const auto user = fresh_user();
    IdempotentWrites writes(store(), std::chrono::hours{24});
    std::atomic<int> effects{0}, fresh{0}, replays{0}, in_flight{0};
    std::vector<std::thread> threads;
    std::vector<StoredResponse> seen(20);
    for (int i = 0; i < 20; ++i) {
        threads.emplace_back([&, i] {
            try {
                const auto out = writes.run(user, "shared", "fp", [&](UnitOfWork& unit) {
                    ++effects;
                    return create_in(unit, user, "once");
                });
                (out.replayed ? replays : fresh)++;
                seen[static_cast<std::size_t>(i)] = out.response;
            } catch (const IdempotencyKeyInFlightError&) {
                ++in_flight;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(fresh == 1);
    CHECK(fresh + replays + in_flight == 20);
    CHECK(effects == 1);
    CHECK(store().tasks().list(user, {}).total == 1);
    const auto stored = store().idempotency().find(user, "shared", from_unix_ms(0));
    REQUIRE(stored);
    for (const auto& r : seen) {
        if (r.status != 0) CHECK(r == stored->response);
    }
}

TEST_CASE("keyed writes racing from two instances make one effect, the loser replays") {
    // Two IdempotentWrites are two server instances: no shared in-flight set, only the database.
    const auto user = fresh_user();
    IdempotentWrites first(store(), std::chrono::hours{24});
    IdempotentWrites second(store(), std::chrono::hours{24});
    std::atomic<int> effects{0}, fresh{0}, replays{0}, in_flight{0};
    std::mutex failures_mutex;
    std::vector<std::string> failures;
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            auto& writes = i % 2 == 0 ? first : second;
            try {
                const auto out = writes.run(user, "two-instances", "fp", [&](UnitOfWork& unit) {
                    ++effects;
                    return create_in(unit, user, "once");
                });
                (out.replayed ? replays : fresh)++;
            } catch (const IdempotencyKeyInFlightError&) {
                ++in_flight;  // same instance, first still running
            } catch (const std::exception& e) {
                const std::lock_guard lock(failures_mutex);
                failures.emplace_back(e.what());
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(failures == std::vector<std::string>{});
    CHECK(fresh == 1);
    CHECK(fresh + replays + in_flight == 8);
    // Effects that lost the race were rolled back with their transaction.
    CHECK(store().tasks().list(user, {}).total == 1);
    CHECK(effects >= 1);
}
