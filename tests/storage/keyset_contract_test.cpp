// The keyset paging contract, run against every backend: pages after a position continue the
// list exactly as its full order has it, under every sort and filter, and a walk through a
// changing list never skips or repeats a row that was there throughout.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "taskcore/domain/errors.hpp"
#include "taskcore/service/conversation_service.hpp"
#include "taskcore/service/list_cursor.hpp"
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

std::vector<Uuid> ids(const std::vector<Task>& tasks) {
    std::vector<Uuid> out;
    for (const auto& t : tasks) out.push_back(t.id);
    return out;
}

// Every page of `q` from the start, each after the previous page's last row.
std::vector<Task> walk(const std::string& user, TaskListQuery q, std::int64_t expected_total) {
    std::vector<Task> out;
    for (int pages = 0; pages < 10'000; ++pages) {
        const auto page = store().tasks().list(user, q);
        CHECK(page.total == expected_total);
        CHECK(page.items.size() <= static_cast<std::size_t>(q.limit));
        out.insert(out.end(), page.items.begin(), page.items.end());
        if (!page.has_more) return out;
        REQUIRE(page.items.size() == static_cast<std::size_t>(q.limit));
        q.after = task_position(q, page.items.back());
    }
    FAIL("the walk did not end");
    return out;
}

}  // namespace

TEST_CASE("keyset pages follow the full order under every sort, direction and filter") {
    const auto user = fresh_user();
    // Ties on every key (timestamps, titles that fold alike, priorities, missing due dates) so
    // the id tie-break is what separates rows across page boundaries.
    const std::vector<std::string> titles{"apple",  "Apple", "APPLE", "banana", "Äpfel",
                                          "cherry", "apple", "Zebra", "zebra",  "Banana"};
    std::vector<Task> all;
    for (int i = 0; i < 23; ++i) {
        Task t;
        t.id = generate_uuid_v7();
        t.user_id = user;
        t.title = titles[static_cast<std::size_t>(i) % titles.size()];
        t.created_at = at(i / 3);
        t.updated_at = at(100 + i % 4);
        t.priority = static_cast<Priority>(i % 3);
        if (i % 4 != 0) t.due_date = at(200 + i % 5);
        t.completed = i % 2 == 0;
        if (i % 3 == 0) t.tags = {"work"};
        store().tasks().insert(t);
        all.push_back(t);
    }
    for (const auto key : kTaskSortKeys) {
        for (const bool descending : {true, false}) {
            for (const auto status : {StatusFilter::all, StatusFilter::pending}) {
                for (const bool tagged : {false, true}) {
                    TaskListQuery q;
                    q.sort = key;
                    q.descending = descending;
                    q.status = status;
                    if (tagged) q.tag = "work";
                    q.limit = 200;
                    const auto full = store().tasks().list(user, q);
                    CHECK_FALSE(full.has_more);
                    INFO(to_string(key) << (descending ? " desc" : " asc")
                                        << (status == StatusFilter::pending ? " pending" : "")
                                        << (tagged ? " tag" : ""));
                    for (const int limit : {1, 3, 4}) {
                        q.limit = limit;
                        INFO("limit " << limit);
                        CHECK(ids(walk(user, q, full.total)) == ids(full.items));
                    }
                }
            }
        }
    }
}

TEST_CASE("has_more is set exactly when rows follow the page") {
    const auto user = fresh_user();
    for (int i = 0; i < 4; ++i) {
        Task t;
        t.id = generate_uuid_v7();
        t.user_id = user;
        t.title = "t" + std::to_string(i);
        t.created_at = t.updated_at = at(i);
        store().tasks().insert(t);
    }
    TaskListQuery q;
    q.limit = 4;
    CHECK_FALSE(store().tasks().list(user, q).has_more);
    q.limit = 3;
    CHECK(store().tasks().list(user, q).has_more);
    q.offset = 1;
    CHECK_FALSE(store().tasks().list(user, q).has_more);
    q.offset = 10;
    CHECK_FALSE(store().tasks().list(user, q).has_more);
    q.status = StatusFilter::completed;  // the counts path with an empty result
    q.offset = 0;
    const auto none = store().tasks().list(user, q);
    CHECK(none.items.empty());
    CHECK_FALSE(none.has_more);
}

TEST_CASE("conversations and messages page by keyset in their list order") {
    const auto user = fresh_user();
    auto& convs = store().conversations();
    std::vector<Conversation> all;
    for (int i = 0; i < 9; ++i) {
        const Conversation c{generate_uuid_v7(), user, "c" + std::to_string(i), at(i / 2),
                             at(i / 2)};  // pairs share updated_at: the id decides
        convs.insert(c);
        all.push_back(c);
    }
    const auto full = convs.list(user, PageRequest{200, 0, {}});
    std::vector<Uuid> walked;
    PageRequest request{2, 0, {}};
    for (;;) {
        const auto page = convs.list(user, request);
        CHECK(page.total == 9);
        for (const auto& c : page.items) walked.push_back(c.id);
        if (!page.has_more) break;
        request.after = KeysetPosition{page.items.back().updated_at, page.items.back().id};
    }
    std::vector<Uuid> expected;
    for (const auto& c : full.items) expected.push_back(c.id);
    CHECK(walked == expected);
    CHECK(walked.size() == 9);

    const auto& conversation = all.front();
    std::vector<Uuid> messages;
    for (int i = 0; i < 7; ++i) {
        const Message m{generate_uuid_v7(),      user,          conversation.id, MessageRole::user,
                        "m" + std::to_string(i), at(50 + i / 3)};
        REQUIRE(convs.append_message(m));
        messages.push_back(m.id);
    }
    std::vector<Uuid> read;
    request = PageRequest{3, 0, {}};
    for (;;) {
        const auto page = convs.list_messages(user, conversation.id, request);
        REQUIRE(page);
        CHECK(page->total == 7);
        for (const auto& m : page->items) read.push_back(m.id);
        if (!page->has_more) break;
        request.after = KeysetPosition{page->items.back().created_at, page->items.back().id};
    }
    CHECK(read == messages);  // oldest first; v7 ids rise with time, so ties keep this order
}

TEST_CASE("the services refuse bad page bounds from any caller") {
    TaskService tasks(store().tasks());
    ConversationService conversations(store().conversations());
    const auto user = fresh_user();
    TaskListQuery q;
    q.limit = 0;
    CHECK_THROWS_AS(tasks.list(user, q), ValidationError);
    q.limit = 201;
    CHECK_THROWS_AS(tasks.list(user, q), ValidationError);
    q.limit = 10;
    q.offset = -1;
    CHECK_THROWS_AS(tasks.list(user, q), ValidationError);
    q.offset = 5;
    q.after = TaskPosition{0, "", generate_uuid_v7()};
    CHECK_THROWS_AS(tasks.list(user, q), ValidationError);
    q.offset = 0;
    CHECK_NOTHROW(tasks.list(user, q));
    CHECK_THROWS_AS(conversations.list(user, PageRequest{0, 0, {}}), ValidationError);
    CHECK_THROWS_AS(
        conversations.list(user, PageRequest{5, 1, KeysetPosition{at(0), generate_uuid_v7()}}),
        ValidationError);
}

TEST_CASE("cursor paging over ten thousand tasks with concurrent inserts and deletes") {
    const auto user = fresh_user("keyset");
    constexpr int kStable = 10'000;
    std::set<Uuid> stable;
    // One transaction for the set-up; 50 tasks share each created_at, so ties straddle pages.
    store().transaction([&](UnitOfWork& unit) {
        for (int i = 0; i < kStable; ++i) {
            Task t;
            t.id = generate_uuid_v7();
            t.user_id = user;
            t.title = "stable " + std::to_string(i % 97);
            t.created_at = t.updated_at = at(i / 50);
            unit.tasks.insert(t);
            stable.insert(t.id);
        }
    });

    // A writer inserting rows all over the order (before and after the reader's position) and
    // deleting them again, until the reader is done.
    std::atomic<bool> done{false};
    std::atomic<int> inserted{0};
    std::atomic<int> deleted{0};
    std::thread writer([&] {
        std::vector<Uuid> live;
        int i = 0;
        while (!done) {
            Task t;
            t.id = generate_uuid_v7();
            t.user_id = user;
            t.title = "volatile " + std::to_string(i);
            t.created_at = t.updated_at = at((i * 7919) % (kStable / 50));
            store().tasks().insert(t);
            ++inserted;
            live.push_back(t.id);
            if (live.size() > 5) {
                if (store().tasks().remove(user, live.front())) ++deleted;
                live.erase(live.begin());
            }
            ++i;
        }
    });

    for (const bool by_title : {false, true}) {
        TaskListQuery q;
        q.limit = 200;
        if (by_title) {
            q.sort = TaskSortKey::title;
            q.descending = false;
        }
        std::map<Uuid, int> seen;
        int pages = 0;
        for (;;) {
            REQUIRE(++pages < 1000);
            const auto page = store().tasks().list(user, q);
            for (const auto& t : page.items) ++seen[t.id];
            if (!page.has_more) break;
            q.after = task_position(q, page.items.back());
        }
        INFO((by_title ? "by title" : "by -created_at") << ", " << pages << " pages");
        int stable_seen = 0;
        int repeated = 0;
        for (const auto& [id, count] : seen) {
            if (count > 1) ++repeated;
            if (stable.count(id) > 0) ++stable_seen;
        }
        CHECK(repeated == 0);
        CHECK(stable_seen == kStable);
        CHECK(pages >= kStable / 200);
    }
    done = true;
    writer.join();
    INFO(inserted.load() << " inserted, " << deleted.load() << " deleted meanwhile");
    CHECK(inserted > 0);
    CHECK(deleted > 0);
}
