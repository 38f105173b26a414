// The storage contract for task lists (filters, sort keys, ties, offset pages), run against
// every backend.
#include <catch2/catch.hpp>

#include "contract_support.hpp"
#include "taskcore/domain/text.hpp"

using namespace taskcore;
using namespace taskcore::testing;

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
