// The storage contract for tasks (round trips, isolation, versions, conditional writes,
// concurrency, totals) and a user's deletion, written once and run against every backend.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "contract_support.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/text.hpp"
#include "taskcore/service/conversation_service.hpp"
#include "taskcore/service/idempotent_writes.hpp"
#include "taskcore/service/task_service.hpp"

using namespace taskcore;
using namespace taskcore::testing;

TEST_CASE("migrate is idempotent and reports the latest version") {
    CHECK(store().migrate() == latest_schema_version());
    CHECK(store().migrate() == latest_schema_version());
    CHECK_NOTHROW(store().ping());
}

TEST_CASE("a task round-trips every field") {
    const auto user = fresh_user("ユーザー");
    Task t = make_task(user, "Ünïcode 🎉 title");
    t.description = "some description";
    t.completed = true;
    t.priority = Priority::high;
    t.due_date = from_unix_ms(1'900'000'000'123);
    t.tags = {"work", "日本"};
    t.completed_at = at(1);
    t.updated_at = at(2);
    store().tasks().insert(t);
    CHECK(store().tasks().find(user, t.id) == t);

    Task minimal = make_task(user, "minimal");
    store().tasks().insert(minimal);
    const auto found = store().tasks().find(user, minimal.id);
    REQUIRE(found);
    CHECK_FALSE(found->description);
    CHECK_FALSE(found->due_date);
    CHECK(found->tags.empty());
}

TEST_CASE("one user's tasks are invisible and untouchable to another") {
    const auto alice = fresh_user("alice"), bob = fresh_user("bob");
    const auto t = make_task(alice, "secret");
    store().tasks().insert(t);
    CHECK_FALSE(store().tasks().find(bob, t.id));
    CHECK_FALSE(store().tasks().update(bob, t.id, TaskPatch{.title = "x"}, at(5)));
    CHECK_FALSE(store().tasks().set_completed(bob, t.id, std::nullopt, at(5)));
    CHECK_FALSE(store().tasks().remove(bob, t.id));
    CHECK(list(bob).total == 0);
    CHECK(store().tasks().find(alice, t.id) == t);
}

TEST_CASE("the same task id may exist for two users independently") {
    const auto alice = fresh_user("alice"), bob = fresh_user("bob");
    auto a = make_task(alice, "a");
    auto b = a;
    b.user_id = bob;
    b.title = "b";
    store().tasks().insert(a);
    store().tasks().insert(b);
    CHECK(store().tasks().find(alice, a.id)->title == "a");
    CHECK(store().tasks().find(bob, a.id)->title == "b");
    CHECK(store().tasks().remove(bob, a.id));
    CHECK(store().tasks().find(alice, a.id));
}

TEST_CASE("inserting a duplicate id for the same user fails without changing data") {
    const auto user = fresh_user();
    const auto t = make_task(user, "first");
    store().tasks().insert(t);
    auto dup = t;
    dup.title = "second";
    CHECK_THROWS_AS(store().tasks().insert(dup), StorageError);
    CHECK(store().tasks().find(user, t.id)->title == "first");
}

TEST_CASE("partial update changes only the given fields") {
    const auto user = fresh_user();
    Task t = make_task(user, "title");
    t.description = "desc";
    t.tags = {"a"};
    t.due_date = at(100);
    store().tasks().insert(t);

    auto u = store().tasks().update(user, t.id, TaskPatch{.priority = Priority::low}, at(10));
    REQUIRE(u);
    CHECK(u->priority == Priority::low);
    CHECK(u->title == "title");
    CHECK(u->description == "desc");
    CHECK(u->tags == std::vector<std::string>{"a"});
    CHECK(u->due_date == at(100));
    CHECK(u->updated_at == at(10));
    CHECK(u->created_at == at(0));

    TaskPatch clear;
    clear.description = std::optional<std::string>{};
    clear.due_date = std::optional<Timestamp>{};
    clear.tags = std::vector<std::string>{};
    clear.title = "new title";
    u = store().tasks().update(user, t.id, clear, at(20));
    CHECK_FALSE(u->description);
    CHECK_FALSE(u->due_date);
    CHECK(u->tags.empty());
    CHECK(u->title == "new title");
    CHECK(store().tasks().find(user, t.id) == u);
}

TEST_CASE("completion through update and set_completed manages completed_at") {
    const auto user = fresh_user();
    const auto t = make_task(user, "x");
    store().tasks().insert(t);
    auto u = store().tasks().update(user, t.id, TaskPatch{.completed = true}, at(10));
    CHECK(u->completed);
    CHECK(u->completed_at == at(10));
    u = store().tasks().update(user, t.id, TaskPatch{.completed = true}, at(20));
    CHECK(u->completed_at == at(10));
    u = store().tasks().set_completed(user, t.id, std::nullopt, at(30));
    CHECK_FALSE(u->completed);
    CHECK_FALSE(u->completed_at);
    u = store().tasks().set_completed(user, t.id, true, at(40));
    CHECK(u->completed_at == at(40));
    u = store().tasks().update(user, t.id, TaskPatch{.completed = false}, at(50));
    CHECK_FALSE(u->completed_at);
    CHECK(u->updated_at == at(50));
}

TEST_CASE("updated_at never moves backwards and every write moves it on") {
    const auto user = fresh_user();
    const auto t = make_task(user, "x", at(100));
    store().tasks().insert(t);
    const auto ms = std::chrono::milliseconds{1};
    CHECK(store().tasks().update(user, t.id, TaskPatch{.title = "y"}, at(50))->updated_at ==
          at(100) + ms);
    CHECK(store().tasks().set_completed(user, t.id, std::nullopt, at(60))->updated_at ==
          at(100) + 2 * ms);
    // Two writes within one millisecond still give two versions.
    CHECK(store().tasks().update(user, t.id, TaskPatch{.title = "z"}, at(100))->updated_at ==
          at(100) + 3 * ms);
    CHECK(store().tasks().update(user, t.id, TaskPatch{.title = "w"}, at(200))->updated_at ==
          at(200));
}

TEST_CASE("conditional writes apply only at an expected version, inside the write") {
    const auto user = fresh_user(), other = fresh_user("other");
    const auto t = make_task(user, "x", at(100));
    store().tasks().insert(t);
    auto& tasks = store().tasks();
    const Precondition stale{std::vector{at(99)}};
    const Precondition current{std::vector{at(100)}};
    const Precondition none{std::vector<Timestamp>{}};

    CHECK_FALSE(tasks.update(user, t.id, TaskPatch{.title = "no"}, at(200), stale));
    CHECK_FALSE(tasks.update(user, t.id, TaskPatch{.title = "no"}, at(200), none));
    CHECK_FALSE(tasks.update(other, t.id, TaskPatch{.title = "no"}, at(200), current));
    CHECK(tasks.find(user, t.id)->title == "x");

    // Any listed version will do.
    const auto u = tasks.update(user, t.id, TaskPatch{.title = "yes"}, at(200),
                                Precondition{std::vector{at(7), at(100)}});
    REQUIRE(u);
    CHECK(u->title == "yes");
    CHECK(u->updated_at == at(200));
    CHECK_FALSE(tasks.update(user, t.id, TaskPatch{.title = "again"}, at(300), current));

    const Precondition now_current{std::vector{at(200)}};
    CHECK_FALSE(tasks.set_completed(user, t.id, true, at(300), current));
    CHECK_FALSE(tasks.find(user, t.id)->completed);
    const auto done = tasks.set_completed(user, t.id, std::nullopt, at(300), now_current);
    REQUIRE(done);
    CHECK(done->completed);

    const Precondition latest{std::vector{at(300)}};
    CHECK_FALSE(tasks.remove(user, t.id, now_current));
    CHECK_FALSE(tasks.remove(other, t.id, latest));
    CHECK(tasks.find(user, t.id));
    CHECK(tasks.remove(user, t.id, latest));
    CHECK_FALSE(tasks.find(user, t.id));
}

TEST_CASE("a conditional service call tells a stale version (412) from a missing task (404)") {
    const auto user = fresh_user();
    TaskService service(store().tasks(), [] { return at(500); });
    const auto t = service.create(user, NewTask{.title = "x"});
    const Precondition stale{std::vector{at(1)}};
    try {
        service.update(user, t.id, TaskPatch{.title = "y"}, {}, stale);
        FAIL("a stale version was accepted");
    } catch (const PreconditionFailedError& e) {
        CHECK(e.current_version() == t.updated_at);
    }
    CHECK_THROWS_AS(service.update(user, t.id, TaskPatch{}, {}, stale), PreconditionFailedError);
    CHECK_THROWS_AS(service.set_completed(user, t.id, true, stale), PreconditionFailedError);
    CHECK_THROWS_AS(service.remove(user, t.id, stale), PreconditionFailedError);
    CHECK_THROWS_AS(service.remove(user, generate_uuid_v7(), stale), NotFoundError);
    CHECK_THROWS_AS(service.remove("someone-else", t.id, stale), NotFoundError);
    service.remove(user, t.id, Precondition{std::vector{t.updated_at}});
    CHECK_THROWS_AS(service.get(user, t.id), NotFoundError);
}

TEST_CASE("delete_user_data removes only that user's rows") {
    const auto alice = fresh_user("alice"), bob = fresh_user("bob");
    store().tasks().insert(make_task(alice, "a"));
    store().tasks().insert(make_task(bob, "b"));
    const Conversation c{generate_uuid_v7(), alice, "c", at(1), at(1)};
    store().conversations().insert(c);
    store().conversations().append_message(
        {generate_uuid_v7(), alice, c.id, MessageRole::user, "m", at(2)});
    store().delete_user_data(alice);
    CHECK(list(alice).total == 0);
    CHECK(store().conversations().list(alice, PageRequest{50, 0, {}}).total == 0);
    CHECK(list(bob).total == 1);
}

TEST_CASE("concurrent toggles lose no update") {
    const auto user = fresh_user();
    const auto t = make_task(user, "toggle me");
    store().tasks().insert(t);
    constexpr int kThreads = 8, kToggles = 101;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&] {
            for (int j = 0; j < kToggles; ++j) {
                if (!store().tasks().set_completed(user, t.id, std::nullopt, now_ms())) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    const auto final_task = store().tasks().find(user, t.id);
    // 808 toggles: an even count, so the task ends where it started.
    CHECK(final_task->completed == (((kThreads * kToggles) % 2) == 1));
    CHECK_FALSE(final_task->completed_at);
}

TEST_CASE("concurrent creates are all stored") {
    const auto user = fresh_user();
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            for (int j = 0; j < 50; ++j) {
                store().tasks().insert(
                    make_task(user, std::to_string(i) + "-" + std::to_string(j)));
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(list(user).total == 400);
}

TEST_CASE("exactly one of several concurrent deletes succeeds") {
    const auto user = fresh_user();
    for (int round = 0; round < 10; ++round) {
        const auto t = make_task(user, "doomed");
        store().tasks().insert(t);
        std::atomic<int> deleted{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 6; ++i) {
            threads.emplace_back([&] {
                if (store().tasks().remove(user, t.id)) ++deleted;
            });
        }
        for (auto& th : threads) th.join();
        CHECK(deleted == 1);
    }
}

TEST_CASE("totals stay exact through inserts, toggles, updates and deletes") {
    const auto user = fresh_user();
    auto count = [&](StatusFilter status) {
        TaskListQuery q;
        q.status = status;
        return list(user, q).total;
    };
    // The same totals computed the slow way: a text filter every title matches.
    auto scanned = [&](StatusFilter status) {
        TaskListQuery q;
        q.status = status;
        q.text = "t";
        return list(user, q).total;
    };
    std::vector<Task> tasks;
    for (int i = 0; i < 6; ++i) {
        auto t = make_task(user, "t" + std::to_string(i));
        t.completed = i % 3 == 0;
        store().tasks().insert(t);
        tasks.push_back(t);
    }
    store().tasks().set_completed(user, tasks[1].id, std::nullopt, at(1));  // -> completed
    store().tasks().set_completed(user, tasks[0].id, true, at(2));          // unchanged
    store().tasks().update(user, tasks[3].id, TaskPatch{.completed = false}, at(3));  // -> pending
    store().tasks().update(user, tasks[4].id, TaskPatch{.title = "t4b"}, at(4));
    store().tasks().remove(user, tasks[5].id);
    store().tasks().remove(user, tasks[5].id);  // a second delete changes nothing
    for (const auto status : {StatusFilter::all, StatusFilter::completed, StatusFilter::pending}) {
        CHECK(count(status) == scanned(status));
    }
    CHECK(count(StatusFilter::all) == 5);
    CHECK(count(StatusFilter::completed) == 2);
    CHECK(count(StatusFilter::pending) == 3);
    store().delete_user_data(user);
    CHECK(count(StatusFilter::all) == 0);
    store().tasks().insert(make_task(user, "again"));
    CHECK(count(StatusFilter::all) == 1);
    CHECK(count(StatusFilter::pending) == 1);
}

TEST_CASE("tags with quotes, backslashes, commas and brackets round-trip") {
    const auto user = fresh_user();
    auto t = make_task(user, "tags");
    t.tags = {"a\"b", "c\\d", "e,f", "[g]", "ü 日本", "x"};
    store().tasks().insert(t);
    CHECK(store().tasks().find(user, t.id)->tags == t.tags);
    TaskListQuery q;
    q.tag = "a\"b";
    CHECK(list(user, q).total == 1);
    t.tags = {};
    store().tasks().update(user, t.id, TaskPatch{.tags = std::vector<std::string>{}}, at(1));
    CHECK(store().tasks().find(user, t.id)->tags.empty());
}

TEST_CASE("U+0000 is refused by the services on every backend, and never stored cut short") {
    TaskService tasks(store().tasks());
    ConversationService conversations(store().conversations());
    const auto user = fresh_user();
    const std::string nul_title("abc\0def", 7);
    CHECK_THROWS_AS(tasks.create(user, NewTask{nul_title}), ValidationError);
    NewTask tagged{"t"};
    tagged.tags = {std::string("a\0b", 3)};
    CHECK_THROWS_AS(tasks.create(user, tagged), ValidationError);
    const auto c = conversations.create(user, std::nullopt);
    CHECK_THROWS_AS(
        conversations.add_message(user, c.id, MessageRole::user, std::string("\0hello", 6)),
        ValidationError);
    // A user id with U+0000 is refused outright: it must never reach "victim"'s rows.
    const auto victim = fresh_user("victim");
    tasks.create(victim, NewTask{"secret"});
    CHECK_THROWS_AS(tasks.list(victim + std::string("\0x", 2), {}), ValidationError);
    // Below the services, a repository either stores the exact bytes or refuses: never a prefix.
    auto raw = make_task(user, nul_title);
    bool stored = true;
    try {
        store().tasks().insert(raw);
    } catch (const StorageError&) {
        stored = false;
    }
    if (stored) CHECK(store().tasks().find(user, raw.id)->title == nul_title);
    CHECK(store().tasks().list(user, {}).total == (stored ? 1 : 0));
}
