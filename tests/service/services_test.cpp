// Use cases over a real in-memory SQLite store, with a controllable clock.
#include <catch2/catch.hpp>

#include "taskcore/domain/errors.hpp"
#include "taskcore/service/conversation_service.hpp"
#include "taskcore/service/task_service.hpp"
#include "taskcore/storage/store.hpp"

using namespace taskcore;

namespace {

struct Fixture {
    std::unique_ptr<Store> store = [] {
        auto s = open_store("sqlite::memory:");
        s->migrate();
        return s;
    }();
    Timestamp now = from_unix_ms(1'800'000'000'000);
    Clock clock = [this] { return now; };
    TaskService tasks{store->tasks(), clock};
    ConversationService conversations{store->conversations(), clock};
};

}  // namespace

TEST_CASE_METHOD(Fixture, "create fills ids and timestamps, completed tasks get completed_at") {
    const auto open = tasks.create("u1", NewTask{"Open"});
    CHECK(open.id.version() == 7);
    CHECK(open.user_id == "u1");
    CHECK(open.created_at == now);
    CHECK(open.updated_at == now);
    CHECK_FALSE(open.completed_at);
    NewTask done{"Done"};
    done.completed = true;
    CHECK(tasks.create("u1", done).completed_at == now);
    CHECK(tasks.get("u1", open.id) == open);
}

TEST_CASE_METHOD(Fixture, "another user's task is not found") {
    const auto t = tasks.create("u1", NewTask{"Mine"});
    CHECK_THROWS_AS(tasks.get("u2", t.id), NotFoundError);
    CHECK_THROWS_AS(tasks.update("u2", t.id, TaskPatch{.title = "stolen"}), NotFoundError);
    CHECK_THROWS_AS(tasks.set_completed("u2", t.id, std::nullopt), NotFoundError);
    CHECK_THROWS_AS(tasks.remove("u2", t.id), NotFoundError);
    CHECK(tasks.get("u1", t.id).title == "Mine");
}

TEST_CASE_METHOD(Fixture, "update changes updated_at but never created_at") {
    const auto t = tasks.create("u1", NewTask{"A"});
    now += std::chrono::seconds{5};
    const auto u = tasks.update("u1", t.id, TaskPatch{.title = "B"});
    CHECK(u.title == "B");
    CHECK(u.created_at == t.created_at);
    CHECK(u.updated_at == now);
    // An empty patch is not a modification.
    now += std::chrono::seconds{5};
    CHECK(tasks.update("u1", t.id, TaskPatch{}).updated_at == u.updated_at);
}

TEST_CASE_METHOD(Fixture, "updated_at never moves backwards when the clock does") {
    const auto t = tasks.create("u1", NewTask{"A"});
    now -= std::chrono::hours{1};
    // It moves on by the smallest step instead: every write is a new version.
    CHECK(tasks.set_completed("u1", t.id, std::nullopt).updated_at ==
          t.updated_at + std::chrono::milliseconds{1});
}

TEST_CASE_METHOD(Fixture, "toggle and set completion keep completed_at consistent") {
    const auto t = tasks.create("u1", NewTask{"A"});
    now += std::chrono::seconds{1};
    const auto done = tasks.set_completed("u1", t.id, std::nullopt);
    CHECK(done.completed);
    CHECK(done.completed_at == now);
    now += std::chrono::seconds{1};
    // Setting completed=true again keeps the original completion time.
    CHECK(tasks.set_completed("u1", t.id, true).completed_at == done.completed_at);
    const auto reopened = tasks.set_completed("u1", t.id, std::nullopt);
    CHECK_FALSE(reopened.completed);
    CHECK_FALSE(reopened.completed_at);
    CHECK_FALSE(tasks.set_completed("u1", t.id, false).completed);
}

TEST_CASE_METHOD(Fixture, "delete succeeds once") {
    const auto t = tasks.create("u1", NewTask{"A"});
    tasks.remove("u1", t.id);
    CHECK_THROWS_AS(tasks.remove("u1", t.id), NotFoundError);
    CHECK_THROWS_AS(tasks.get("u1", t.id), NotFoundError);
}

TEST_CASE_METHOD(Fixture, "a new message bumps its conversation's updated_at") {
    const auto c = conversations.create("u1", std::string("Chat"));
    now += std::chrono::seconds{10};
    const auto m = conversations.add_message("u1", c.id, MessageRole::user, "hello");
    CHECK(m.created_at == now);
    CHECK(conversations.get("u1", c.id).updated_at == now);
    CHECK(conversations.get("u1", c.id).created_at == c.created_at);
    CHECK_THROWS_AS(conversations.add_message("u2", c.id, MessageRole::user, "x"), NotFoundError);
    CHECK_THROWS_AS(conversations.list_messages("u2", c.id, {}), NotFoundError);
    const auto page = conversations.list_messages("u1", c.id, {100, 0});
    REQUIRE(page.items.size() == 1);
    CHECK(page.items[0] == m);
}

TEST_CASE_METHOD(Fixture, "deleting a conversation deletes its messages") {
    const auto c = conversations.create("u1", std::nullopt);
    conversations.add_message("u1", c.id, MessageRole::user, "hello");
    conversations.remove("u1", c.id);
    CHECK_THROWS_AS(conversations.get("u1", c.id), NotFoundError);
    CHECK_THROWS_AS(conversations.list_messages("u1", c.id, {}), NotFoundError);
    CHECK_THROWS_AS(conversations.remove("u1", c.id), NotFoundError);
}
