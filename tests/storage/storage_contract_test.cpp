// The storage contract, written once against the interfaces and run against every backend.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/text.hpp"
#include "taskcore/service/conversation_service.hpp"
#include "taskcore/service/idempotent_writes.hpp"
#include "taskcore/service/task_service.hpp"
#include "test_store.hpp"

using namespace taskcore;
using taskcore::testing::fresh_user;

namespace {

Store& store() {
    static auto s = taskcore::testing::open_test_store();
    return *s;
}

Timestamp at(std::int64_t seconds) {
    return from_unix_ms(1'800'000'000'000 + seconds * 1000);
}

Task make_task(const std::string& user, std::string title, Timestamp created = at(0)) {
    Task t;
    t.id = generate_uuid_v7();
    t.user_id = user;
    t.title = std::move(title);
    t.created_at = created;
    t.updated_at = created;
    return t;
}

std::vector<std::string> titles(const Page<Task>& page) {
    std::vector<std::string> out;
    for (const auto& t : page.items) out.push_back(t.title);
    return out;
}

Page<Task> list(const std::string& user, TaskListQuery q = {}) {
    return store().tasks().list(user, q);
}

}  // namespace

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

TEST_CASE("list filters by status, priority, tag and case-insensitive text") {
    const auto user = fresh_user();
    auto add = [&](std::string title, bool completed, Priority p, std::vector<std::string> tags,
                   std::optional<std::string> description = std::nullopt) {
        Task t = make_task(user, std::move(title));
        t.completed = completed;
        t.priority = p;
        t.tags = std::move(tags);
        t.description = std::move(description);
        store().tasks().insert(t);
    };
    add("ÜBER task", false, Priority::high, {"work", "urgent"});
    add("plain", true, Priority::low, {"home"}, "Contains Straße and über");
    add("100% done", true, Priority::medium, {});
    add("other", false, Priority::medium, {"work"});

    TaskListQuery q;
    q.status = StatusFilter::completed;
    CHECK(list(user, q).total == 2);
    q.status = StatusFilter::pending;
    CHECK(list(user, q).total == 2);

    q = {};
    q.priority = Priority::medium;
    CHECK(list(user, q).total == 2);

    q = {};
    q.tag = "work";
    CHECK(list(user, q).total == 2);
    q.tag = "wor";  // exact tag, not a substring
    CHECK(list(user, q).total == 0);

    q = {};
    q.text = fold_case("über");
    q.sort = TaskSortKey::title;
    q.descending = false;
    CHECK(titles(list(user, q)) == std::vector<std::string>{"plain", "ÜBER task"});
    q.text = fold_case("STRASSE");  // simple folding: ß stays ß, so no match
    CHECK(list(user, q).total == 0);
    q.text = fold_case("straße");
    CHECK(list(user, q).total == 1);
    q.text = "%";  // no wildcard semantics
    CHECK(titles(list(user, q)) == std::vector<std::string>{"100% done"});
    q.text = "_";
    CHECK(list(user, q).total == 0);

    q = {};
    q.status = StatusFilter::pending;
    q.tag = "work";
    q.priority = Priority::high;
    q.text = fold_case("über");
    CHECK(titles(list(user, q)) == std::vector<std::string>{"ÜBER task"});
}

TEST_CASE("list sorts by every key in both directions, ties by id, null due dates last") {
    const auto user = fresh_user();
    auto a = make_task(user, "banana", at(1));
    a.priority = Priority::high;
    a.due_date = at(300);
    a.updated_at = at(30);
    auto b = make_task(user, "Apple", at(2));
    b.priority = Priority::low;
    b.updated_at = at(10);
    auto c = make_task(user, "cherry", at(3));
    c.priority = Priority::medium;
    c.due_date = at(100);
    c.updated_at = at(20);
    for (const auto& t : {a, b, c}) store().tasks().insert(t);

    auto sorted = [&](TaskSortKey key, bool descending) {
        TaskListQuery q;
        q.sort = key;
        q.descending = descending;
        return titles(list(user, q));
    };
    using V = std::vector<std::string>;
    CHECK(sorted(TaskSortKey::created_at, true) == V{"cherry", "Apple", "banana"});
    CHECK(sorted(TaskSortKey::created_at, false) == V{"banana", "Apple", "cherry"});
    CHECK(sorted(TaskSortKey::updated_at, false) == V{"Apple", "cherry", "banana"});
    CHECK(sorted(TaskSortKey::updated_at, true) == V{"banana", "cherry", "Apple"});
    CHECK(sorted(TaskSortKey::due_date, false) == V{"cherry", "banana", "Apple"});
    CHECK(sorted(TaskSortKey::due_date, true) == V{"banana", "cherry", "Apple"});
    CHECK(sorted(TaskSortKey::title, false) == V{"Apple", "banana", "cherry"});
    CHECK(sorted(TaskSortKey::title, true) == V{"cherry", "banana", "Apple"});
    CHECK(sorted(TaskSortKey::priority, false) == V{"Apple", "cherry", "banana"});
    CHECK(sorted(TaskSortKey::priority, true) == V{"banana", "cherry", "Apple"});
}

TEST_CASE("ties are broken by id") {
    const auto user = fresh_user();
    std::vector<Task> same;
    for (int i = 0; i < 5; ++i) {
        same.push_back(make_task(user, "t" + std::to_string(i), at(7)));
        store().tasks().insert(same.back());
    }
    TaskListQuery q;
    const auto page = list(user, q);  // -created_at: ties newest id first
    REQUIRE(page.items.size() == 5);
    for (std::size_t i = 1; i < page.items.size(); ++i) {
        CHECK(page.items[i - 1].id > page.items[i].id);
    }
    q.descending = false;
    const auto asc = list(user, q);
    for (std::size_t i = 1; i < asc.items.size(); ++i) CHECK(asc.items[i - 1].id < asc.items[i].id);
}

TEST_CASE("limit and offset page through a consistent total") {
    const auto user = fresh_user();
    for (int i = 0; i < 7; ++i) store().tasks().insert(make_task(user, std::to_string(i), at(i)));
    TaskListQuery q;
    q.limit = 3;
    q.descending = false;
    auto page = list(user, q);
    CHECK(page.total == 7);
    CHECK(titles(page) == std::vector<std::string>{"0", "1", "2"});
    q.offset = 6;
    page = list(user, q);
    CHECK(titles(page) == std::vector<std::string>{"6"});
    CHECK(page.total == 7);
    q.offset = 100;
    page = list(user, q);
    CHECK(page.items.empty());
    CHECK(page.total == 7);
    q.offset = 999'999'999'999'999'999;
    CHECK(list(user, q).items.empty());
}

TEST_CASE("conversations: list by most recently updated, messages oldest first") {
    const auto user = fresh_user();
    auto& convs = store().conversations();
    const Conversation c1{generate_uuid_v7(), user, "first", at(1), at(1)};
    const Conversation c2{generate_uuid_v7(), user, std::nullopt, at(2), at(2)};
    convs.insert(c1);
    convs.insert(c2);
    CHECK(convs.find(user, c1.id) == c1);
    CHECK(convs.list(user, PageRequest{50, 0, {}}).items.front().id == c2.id);

    const Message m1{generate_uuid_v7(), user, c1.id, MessageRole::user, "hi", at(10)};
    const Message m2{generate_uuid_v7(), user, c1.id, MessageRole::assistant, "hello", at(11)};
    CHECK(convs.append_message(m1));
    CHECK(convs.append_message(m2));
    const auto listed = convs.list(user, PageRequest{50, 0, {}});
    REQUIRE(listed.items.size() == 2);
    CHECK(listed.total == 2);
    CHECK(listed.items.front().id == c1.id);
    CHECK(listed.items.front().updated_at == at(11));

    const auto messages = convs.list_messages(user, c1.id, PageRequest{100, 0, {}});
    REQUIRE(messages);
    REQUIRE(messages->items.size() == 2);
    CHECK(messages->items[0] == m1);
    CHECK(messages->items[1] == m2);
    CHECK(messages->total == 2);
    CHECK(convs.list_messages(user, c1.id, PageRequest{1, 1, {}})->items.at(0) == m2);
    CHECK(convs.list_messages(user, c2.id, PageRequest{100, 0, {}})->items.empty());
}

TEST_CASE("conversations are isolated per user and messages cascade on delete") {
    const auto alice = fresh_user("alice"), bob = fresh_user("bob");
    auto& convs = store().conversations();
    const Conversation c{generate_uuid_v7(), alice, "private", at(1), at(1)};
    convs.insert(c);
    const Message m{generate_uuid_v7(), alice, c.id, MessageRole::user, "secret", at(2)};
    CHECK(convs.append_message(m));

    CHECK_FALSE(convs.find(bob, c.id));
    CHECK(convs.list(bob, PageRequest{50, 0, {}}).total == 0);
    CHECK_FALSE(convs.list_messages(bob, c.id, PageRequest{100, 0, {}}));
    Message intruder{generate_uuid_v7(), bob, c.id, MessageRole::user, "x", at(3)};
    CHECK_FALSE(convs.append_message(intruder));
    CHECK_FALSE(convs.remove(bob, c.id));
    CHECK_FALSE(
        convs.remove(bob, c.id, Precondition{std::vector{convs.find(alice, c.id)->updated_at}}));
    CHECK_FALSE(convs.remove(alice, c.id, Precondition{std::vector{at(1)}}));  // bumped to at(2)

    CHECK(convs.remove(alice, c.id, Precondition{std::vector{at(2)}}));
    convs.insert(c);
    CHECK(convs.remove(alice, c.id));
    CHECK_FALSE(convs.remove(alice, c.id));
    CHECK_FALSE(convs.list_messages(alice, c.id, PageRequest{100, 0, {}}));
    // Re-creating a conversation with the same id shows none of the old messages.
    convs.insert(c);
    CHECK(convs.list_messages(alice, c.id, PageRequest{100, 0, {}})->total == 0);
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

TEST_CASE("concurrent messages all bump and land in order of their timestamps") {
    const auto user = fresh_user();
    const Conversation c{generate_uuid_v7(), user, "busy", at(0), at(0)};
    store().conversations().insert(c);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&, i] {
            for (int j = 0; j < 25; ++j) {
                store().conversations().append_message({generate_uuid_v7(), user, c.id,
                                                        MessageRole::user, std::to_string(i),
                                                        at(i * 100 + j)});
            }
        });
    }
    for (auto& th : threads) th.join();
    const auto page = store().conversations().list_messages(user, c.id, PageRequest{200, 0, {}});
    CHECK(page->total == 100);
    CHECK(store().conversations().find(user, c.id)->updated_at == at(324));
    CHECK(std::is_sorted(
        page->items.begin(), page->items.end(),
        [](const Message& a, const Message& b) { return a.created_at < b.created_at; }));
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
