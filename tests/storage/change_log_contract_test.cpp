// The change log's contract, run against every backend: each successful write appends one entry
// in its own transaction, seqs are per user, gap-free and in commit order, failed writes append
// nothing, and a page carries each object as it is now (or its tombstone).
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "taskcore/domain/errors.hpp"
#include "taskcore/json/codec.hpp"
#include "test_store.hpp"

using namespace taskcore;
using taskcore::testing::fresh_user;

namespace {

Store& store() {
    return taskcore::testing::suite_store();
}

Task make_task(const std::string& user, std::string title) {
    Task t;
    t.id = generate_uuid_v7();
    t.user_id = user;
    t.title = std::move(title);
    t.created_at = now_ms();
    t.updated_at = t.created_at;
    return t;
}

std::vector<Change> all_changes(const std::string& user) {
    return store().changes().after(user, 0, 200).changes;
}

std::vector<std::string> events(const std::vector<Change>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes) out.push_back(json::change_event_name(c));
    return out;
}

std::vector<std::int64_t> seqs(const std::vector<Change>& changes) {
    std::vector<std::int64_t> out;
    for (const auto& c : changes) out.push_back(c.seq);
    return out;
}

bool tombstone(const Change& c) {
    return std::holds_alternative<std::monostate>(c.current);
}

}  // namespace

TEST_CASE("every task write appends one entry with the task as it is now") {
    const auto user = fresh_user();
    auto& tasks = store().tasks();
    CHECK(store().changes().latest_seq(user) == 0);
    CHECK(all_changes(user).empty());

    const auto a = make_task(user, "a");
    const auto b = make_task(user, "b");
    tasks.insert(a);
    TaskPatch patch;
    patch.title = "a, renamed";
    REQUIRE(tasks.update(user, a.id, patch, now_ms()));
    REQUIRE(tasks.set_completed(user, a.id, std::nullopt, now_ms()));
    tasks.insert(b);
    REQUIRE(tasks.set_completed(user, b.id, true, now_ms()));
    REQUIRE(tasks.remove(user, a.id));

    const auto changes = all_changes(user);
    CHECK(seqs(changes) == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});
    CHECK(events(changes) == std::vector<std::string>{"task.created", "task.updated",
                                                      "task.updated", "task.created",
                                                      "task.updated", "task.deleted"});
    CHECK(store().changes().latest_seq(user) == 6);
    // a is gone: every entry of a is its tombstone; b's entries carry b as it is now.
    for (const auto& c : changes) {
        CAPTURE(c.seq);
        if (c.id == a.id) {
            CHECK(tombstone(c));
        } else {
            REQUIRE(c.id == b.id);
            const auto* now = std::get_if<Task>(&c.current);
            REQUIRE(now != nullptr);
            CHECK(now->completed);
            CHECK(*now == *tasks.find(user, b.id));
        }
        CHECK(c.kind == ChangeKind::task);
        CHECK_FALSE(c.conversation_id);
    }
    // The log's clock follows seq order (it is read after the user's counter is locked).
    for (std::size_t i = 1; i < changes.size(); ++i) CHECK(changes[i - 1].at <= changes[i].at);
}

TEST_CASE("writes that change nothing append nothing") {
    const auto user = fresh_user();
    auto& tasks = store().tasks();
    const auto t = make_task(user, "only");
    tasks.insert(t);
    const auto before = store().changes().latest_seq(user);
    REQUIRE(before == 1);

    TaskPatch patch;
    patch.title = "x";
    CHECK_FALSE(tasks.update(user, generate_uuid_v7(), patch, now_ms()));  // no such task
    CHECK_FALSE(tasks.update(user, t.id, patch, now_ms(),
                             Precondition{std::vector{from_unix_ms(1)}}));        // stale version
    CHECK_FALSE(tasks.set_completed(fresh_user("other"), t.id, true, now_ms()));  // not theirs
    CHECK_FALSE(tasks.remove(user, generate_uuid_v7()));
    CHECK_THROWS(tasks.insert(t));  // duplicate id
    CHECK_THROWS_AS(store().transaction([&](UnitOfWork& unit) {
        unit.tasks.insert(make_task(user, "rolled back"));
        throw std::runtime_error("the unit of work fails after its write");
    }),
                    std::runtime_error);
    CHECK(store().changes().latest_seq(user) == before);
    CHECK(all_changes(user).size() == 1);
}

TEST_CASE("a conversation logs its creation, each appended message, and one deletion") {
    const auto user = fresh_user();
    auto& convs = store().conversations();
    const Conversation c{generate_uuid_v7(), user, "chat", now_ms(), now_ms()};
    convs.insert(c);
    const Message m1{generate_uuid_v7(), user, c.id, MessageRole::user, "hello", now_ms()};
    const Message m2{generate_uuid_v7(), user, c.id, MessageRole::assistant, "hi", now_ms()};
    REQUIRE(convs.append_message(m1));
    REQUIRE(convs.append_message(m2));
    // Another user's append into it fails and logs nothing for anyone.
    const auto intruder = fresh_user("intruder");
    CHECK_FALSE(convs.append_message(
        {generate_uuid_v7(), intruder, c.id, MessageRole::user, "x", now_ms()}));
    CHECK(store().changes().latest_seq(intruder) == 0);

    auto changes = all_changes(user);
    CHECK(events(changes) ==
          std::vector<std::string>{"conversation.created", "message.created", "message.created"});
    REQUIRE(changes.size() == 3);
    const auto* conv_now = std::get_if<Conversation>(&changes[0].current);
    REQUIRE(conv_now != nullptr);
    CHECK(*conv_now == *convs.find(user, c.id));  // its updated_at bumped by the appends
    const auto* first = std::get_if<Message>(&changes[1].current);
    REQUIRE(first != nullptr);
    CHECK(*first == m1);
    CHECK(changes[1].conversation_id == c.id);
    CHECK(changes[2].id == m2.id);

    REQUIRE(convs.remove(user, c.id));
    changes = all_changes(user);
    CHECK(events(changes) == std::vector<std::string>{"conversation.created", "message.created",
                                                      "message.created", "conversation.deleted"});
    for (const auto& change : changes) CHECK(tombstone(change));
}

TEST_CASE("pages follow since and limit, and say when more follow") {
    const auto user = fresh_user();
    for (int i = 0; i < 5; ++i) store().tasks().insert(make_task(user, std::to_string(i)));
    auto& log = store().changes();
    auto page = log.after(user, 0, 2);
    CHECK(seqs(page.changes) == std::vector<std::int64_t>{1, 2});
    CHECK(page.has_more);
    CHECK(page.latest_seq == 5);
    page = log.after(user, 2, 2);
    CHECK(seqs(page.changes) == std::vector<std::int64_t>{3, 4});
    CHECK(page.has_more);
    page = log.after(user, 4, 2);
    CHECK(seqs(page.changes) == std::vector<std::int64_t>{5});
    CHECK_FALSE(page.has_more);
    page = log.after(user, 5, 2);
    CHECK(page.changes.empty());
    CHECK_FALSE(page.has_more);
    CHECK(page.latest_seq == 5);
}

TEST_CASE("each user has a log of their own") {
    const auto alice = fresh_user("alice"), bob = fresh_user("bob");
    const auto a = make_task(alice, "alice's");
    store().tasks().insert(a);
    store().tasks().insert(make_task(bob, "bob's"));
    store().tasks().insert(make_task(bob, "bob's too"));
    CHECK(seqs(all_changes(alice)) == std::vector<std::int64_t>{1});
    CHECK(seqs(all_changes(bob)) == std::vector<std::int64_t>{1, 2});
    for (const auto& c : all_changes(bob)) CHECK(c.id != a.id);
    // Bob touching Alice's task changes nothing, in either log.
    CHECK_FALSE(store().tasks().remove(bob, a.id));
    CHECK(store().changes().latest_seq(alice) == 1);
    CHECK(store().changes().latest_seq(bob) == 2);
}

TEST_CASE("concurrent writers of one user get seqs 1..N, each write exactly once") {
    const auto user = fresh_user();
    constexpr int kThreads = 4, kWrites = 25;
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            for (int j = 0; j < kWrites; ++j) {
                auto t = make_task(user, std::to_string(i) + "-" + std::to_string(j));
                store().tasks().insert(t);
                store().tasks().set_completed(user, t.id, true, now_ms());
            }
        });
    }
    for (auto& t : threads) t.join();
    std::vector<Change> changes;
    for (std::int64_t since = 0;;) {
        auto page = store().changes().after(user, since, 200);
        changes.insert(changes.end(), page.changes.begin(), page.changes.end());
        if (!page.has_more) break;
        since = page.changes.back().seq;
    }
    constexpr int kTotal = 2 * kThreads * kWrites;
    REQUIRE(changes.size() == kTotal);
    std::set<std::string> created;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        CHECK(changes[i].seq == static_cast<std::int64_t>(i) + 1);
        if (changes[i].op == ChangeOp::created) created.insert(changes[i].id.to_string());
        if (i > 0) CHECK(changes[i - 1].at <= changes[i].at);
    }
    CHECK(created.size() == kThreads * kWrites);
    // Each task's creation comes before its completion in the log.
    std::set<std::string> seen;
    for (const auto& c : changes) {
        if (c.op == ChangeOp::created) seen.insert(c.id.to_string());
        if (c.op == ChangeOp::updated) CHECK(seen.count(c.id.to_string()) == 1);
    }
}

TEST_CASE("deleting a user's data deletes their log too") {
    const auto user = fresh_user();
    store().tasks().insert(make_task(user, "gone"));
    REQUIRE(store().changes().latest_seq(user) == 1);
    store().delete_user_data(user);
    CHECK(store().changes().latest_seq(user) == 0);
    CHECK(all_changes(user).empty());
}
