// The storage contract for conversations and their messages, run against every backend.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>
#include <vector>

#include "contract_support.hpp"
#include "taskcore/service/conversation_service.hpp"

using namespace taskcore;
using namespace taskcore::testing;

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
    // The latest message, then 1 ms for each append that came after it (each moves it on).
    const auto version = store().conversations().find(user, c.id)->updated_at;
    CHECK(version >= at(324));
    CHECK(version <= at(324) + std::chrono::milliseconds{99});
    CHECK(std::is_sorted(
        page->items.begin(), page->items.end(),
        [](const Message& a, const Message& b) { return a.created_at < b.created_at; }));
}

// An If-Match taken before an append must go stale (412), so the append moves the version even
// when the clock has not: the services' clock is frozen here, every write in one millisecond.
TEST_CASE("every message append moves its conversation's version, in the same millisecond too") {
    ConversationService conversations(store().conversations(), [] { return at(5); });
    const auto user = fresh_user();
    for (int i = 0; i < 1000; ++i) {
        const auto created = conversations.create(user, "pair " + std::to_string(i));
        conversations.add_message(user, created.id, MessageRole::user, "hello");
        const auto after_one = store().conversations().find(user, created.id);
        REQUIRE(after_one);
        REQUIRE(after_one->updated_at > created.updated_at);
        conversations.add_message(user, created.id, MessageRole::assistant, "hi");
        REQUIRE(store().conversations().find(user, created.id)->updated_at > after_one->updated_at);
        CHECK_FALSE(store().conversations().remove(user, created.id,
                                                   Precondition{std::vector{created.updated_at}}));
        // Gone again: 3,000 two-message conversations left in the shared test database would
        // skew the message statistics the plan tests (pg_plans_test.cpp) analyze.
        CHECK(store().conversations().remove(user, created.id));
    }
}
