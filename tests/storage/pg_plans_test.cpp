// PostgreSQL plans of the list statements: a keyset page is an index range scan that starts at
// the cursor's position (no OFFSET, no Sort), whatever the page's depth.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <string_view>

#include "storage/postgres/pg_statements.hpp"
#include "support/pg_connection.hpp"
#include "support/test_database.hpp"
#include "taskcore/storage/store.hpp"

using namespace taskcore;
using taskcore::testing::PgConnection;
namespace sql = taskcore::postgres::sql;

namespace {

// `count` tasks and conversations for one user, `count` messages in one of the conversations,
// then ANALYZE, so the planner sees a long-lived user's lists.
std::string seeded_user(Store& store, int count, Uuid& conversation) {
    const auto user = "plans-" + generate_uuid_v7().to_string();
    conversation = generate_uuid_v7();
    const auto start = from_unix_ms(1'800'000'000'000);
    store.transaction([&](UnitOfWork& unit) {
        for (int i = 0; i < count; ++i) {
            Task t;
            t.id = generate_uuid_v7();
            t.user_id = user;
            t.title = "task " + std::to_string(i);
            t.completed = i % 3 == 0;
            t.created_at = t.updated_at = start + std::chrono::seconds(i);
            unit.tasks.insert(t);
        }
        unit.conversations.insert({conversation, user, "c", start, start});
        for (int i = 1; i < count; ++i) {
            const auto at = start + std::chrono::seconds(i);
            unit.conversations.insert({generate_uuid_v7(), user, "c", at, at});
        }
        for (int i = 0; i < count; ++i) {
            unit.conversations.append_message({generate_uuid_v7(), user, conversation,
                                               MessageRole::user, "m",
                                               start + std::chrono::seconds(i)});
        }
    });
    PgConnection c(testing::resolve_test_database_url());
    c.command("ANALYZE tasks; ANALYZE conversations; ANALYZE messages");
    return user;
}

// `indexes`: those that serve the order (a filter on most rows may rather use the wider one).
void check_range_scan(const std::string& name, const std::string& statement,
                      const std::string& plan, std::initializer_list<std::string_view> indexes) {
    INFO(name << ":\n" << statement << "\n" << plan);
    CHECK(statement.find("OFFSET") == std::string::npos);
    CHECK(plan.find("Index Scan") != std::string::npos);
    CHECK(std::any_of(indexes.begin(), indexes.end(), [&](std::string_view index) {
        return plan.find(index) != std::string::npos;
    }));
    CHECK(plan.find("Sort") == std::string::npos);
    CHECK(plan.find("Seq Scan") == std::string::npos);
}

}  // namespace

TEST_CASE("keyset pages are index range scans from the cursor without OFFSET") {
    auto store = open_store(testing::resolve_test_database_url());
    store->migrate();
    Uuid conversation;
    const auto user = seeded_user(*store, 3000, conversation);
    PgConnection c(testing::resolve_test_database_url());
    const auto deep = from_unix_ms(1'800'000'000'000) + std::chrono::seconds(1000);

    TaskListQuery q;  // -created_at, the default
    q.after = TaskPosition{to_unix_ms(deep), "", generate_uuid_v7()};
    auto list = sql::task_list(user, q);
    check_range_scan("tasks -created_at", list.rows_with_counts.sql,
                     c.plan(list.rows_with_counts.sql, list.page), {"tasks_user_created"});

    q.status = StatusFilter::pending;
    list = sql::task_list(user, q);
    check_range_scan("pending tasks -created_at", list.rows_with_counts.sql,
                     c.plan(list.rows_with_counts.sql, list.page),
                     {"tasks_user_completed_created", "tasks_user_created"});

    q.status = StatusFilter::all;
    q.sort = TaskSortKey::updated_at;
    list = sql::task_list(user, q);
    check_range_scan("tasks -updated_at", list.rows_with_counts.sql,
                     c.plan(list.rows_with_counts.sql, list.page), {"tasks_user_updated"});

    const auto conversations =
        sql::conversation_list(user, PageRequest{50, 0, KeysetPosition{deep, generate_uuid_v7()}});
    check_range_scan("conversations", conversations.statement.sql,
                     c.plan(conversations.statement.sql, conversations.params),
                     {"conversations_user_updated"});

    const auto messages = sql::message_list(
        user, conversation, PageRequest{100, 0, KeysetPosition{deep, generate_uuid_v7()}});
    check_range_scan("messages", messages.statement.sql,
                     c.plan(messages.statement.sql, messages.params), {"messages_conversation"});

    // The position is an Index Cond, not a filter applied to rows read from the start.
    const auto plan = c.plan(list.rows_with_counts.sql, list.page);
    CHECK(plan.find("Index Cond: ((user_id = ") != std::string::npos);
    CHECK(plan.find("AND (ROW(updated_at, id) < ROW(") != std::string::npos);
}
