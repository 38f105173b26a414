// Keyset cursors: what they carry round-trips, any change to them is refused, and a cursor only
// continues the list (filters, sort, conversation) it was made for.
#include <catch2/catch.hpp>

#include "taskcore/domain/errors.hpp"
#include "taskcore/service/list_cursor.hpp"
#include "taskcore/service/query_params.hpp"

using namespace taskcore;

namespace {

Task sample_task() {
    Task t;
    t.id = generate_uuid_v7();
    t.user_id = "alice";
    t.title = "Ärger mit \"Quotes\" 🎉";
    t.priority = Priority::high;
    t.due_date = from_unix_ms(1'900'000'000'123);
    t.created_at = from_unix_ms(1'800'000'000'000);
    t.updated_at = from_unix_ms(1'800'000'000'777);
    return t;
}

Page<Task> page_of(const Task& t, bool has_more = true) {
    Page<Task> page;
    page.items.push_back(t);
    page.total = 10;
    page.has_more = has_more;
    return page;
}

std::vector<FieldError> errors_of(const QueryParams& params) {
    try {
        parse_task_list_query(params);
    } catch (const ValidationError& e) {
        return e.details();
    }
    return {};
}

}  // namespace

TEST_CASE("a task cursor carries the filters, the sort and the last row's position") {
    const auto t = sample_task();
    for (const auto key : kTaskSortKeys) {
        for (const bool descending : {true, false}) {
            TaskListQuery q;
            q.status = StatusFilter::pending;
            q.priority = Priority::medium;
            q.tag = "work, \"home\"";
            q.text = "ärger";
            q.sort = key;
            q.descending = descending;
            q.limit = 7;
            const auto cursor = next_task_cursor(q, page_of(t));
            REQUIRE(cursor);
            INFO(to_string(key) << (descending ? " desc" : " asc") << ": " << *cursor);
            // URL-safe as it is: nothing to escape in a query string.
            CHECK(cursor->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789-_") == std::string::npos);
            const auto back = decode_task_cursor(*cursor);
            REQUIRE(back);
            CHECK(back->status == q.status);
            CHECK(back->priority == q.priority);
            CHECK(back->tag == q.tag);
            CHECK(back->text == q.text);
            CHECK(back->sort == key);
            CHECK(back->descending == descending);
            CHECK(back->offset == 0);
            REQUIRE(back->after);
            CHECK(*back->after == task_position(q, t));
        }
    }
}

TEST_CASE("a task position holds the sort key's value, or none for a missing due date") {
    auto t = sample_task();
    TaskListQuery q;
    CHECK(task_position(q, t).value == to_unix_ms(t.created_at));
    q.sort = TaskSortKey::updated_at;
    CHECK(task_position(q, t).value == to_unix_ms(t.updated_at));
    q.sort = TaskSortKey::priority;
    CHECK(task_position(q, t).value == 2);
    q.sort = TaskSortKey::title;
    CHECK(task_position(q, t).title == t.title);
    CHECK_FALSE(task_position(q, t).value);
    q.sort = TaskSortKey::due_date;
    t.due_date.reset();
    const auto none = task_position(q, t);
    CHECK_FALSE(none.value);
    const auto cursor = next_task_cursor(q, page_of(t));
    REQUIRE(cursor);
    const auto back = decode_task_cursor(*cursor);
    REQUIRE(back);
    CHECK(back->after == none);
}

TEST_CASE("no cursor after the last page or an empty one") {
    const auto t = sample_task();
    CHECK_FALSE(next_task_cursor({}, page_of(t, false)));
    CHECK_FALSE(next_task_cursor({}, Page<Task>{{}, 0, true}));
    CHECK_FALSE(next_conversation_cursor({}));
    CHECK_FALSE(next_message_cursor(generate_uuid_v7(), {}));
}

TEST_CASE("a cursor changed in any character, cut short or lengthened does not decode") {
    const auto cursor = *next_task_cursor({}, page_of(sample_task()));
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (std::size_t i = 0; i < cursor.size(); ++i) {
        auto changed = cursor;
        changed[i] = alphabet[(alphabet.find(cursor[i]) + 1 + i) % alphabet.size()];
        INFO("position " << i);
        CHECK_FALSE(decode_task_cursor(changed));
    }
    CHECK_FALSE(decode_task_cursor(cursor.substr(0, cursor.size() - 1)));
    CHECK_FALSE(decode_task_cursor(cursor.substr(0, 4)));
    CHECK_FALSE(decode_task_cursor(cursor + "A"));
    CHECK_FALSE(decode_task_cursor(cursor + "AA"));
    CHECK_FALSE(decode_task_cursor(""));
    CHECK_FALSE(decode_task_cursor("not a cursor!"));
    CHECK_FALSE(decode_task_cursor(std::string(5000, 'A')));
}

TEST_CASE("a cursor of one list does not continue another") {
    const auto task_cursor = *next_task_cursor({}, page_of(sample_task()));
    Conversation c;
    c.id = generate_uuid_v7();
    c.updated_at = from_unix_ms(1'800'000'000'000);
    const auto conversation_cursor = *next_conversation_cursor({{c}, 2, true});
    const auto conversation = generate_uuid_v7();
    Message m;
    m.id = generate_uuid_v7();
    m.conversation_id = conversation;
    m.created_at = from_unix_ms(1'800'000'000'001);
    const auto message_cursor = *next_message_cursor(conversation, {{m}, 2, true});

    CHECK_FALSE(decode_task_cursor(conversation_cursor));
    CHECK_FALSE(decode_task_cursor(message_cursor));
    CHECK_FALSE(decode_conversation_cursor(task_cursor));
    CHECK_FALSE(decode_conversation_cursor(message_cursor));
    CHECK_FALSE(decode_message_cursor(task_cursor, conversation));
    CHECK_FALSE(decode_message_cursor(conversation_cursor, conversation));
    CHECK_FALSE(decode_message_cursor(message_cursor, generate_uuid_v7()));  // another conversation

    CHECK(decode_conversation_cursor(conversation_cursor) == KeysetPosition{c.updated_at, c.id});
    CHECK(decode_message_cursor(message_cursor, conversation) ==
          KeysetPosition{m.created_at, m.id});
}

TEST_CASE("cursor= in a task list: pinned filters may be repeated, not changed") {
    TaskListQuery q;
    q.status = StatusFilter::completed;
    q.sort = TaskSortKey::title;
    q.descending = false;
    q.text = "milk";
    const auto cursor = *next_task_cursor(q, page_of(sample_task()));

    const auto alone = parse_task_list_query({{"cursor", cursor}, {"limit", "5"}});
    CHECK(alone.status == StatusFilter::completed);
    CHECK(alone.sort == TaskSortKey::title);
    CHECK_FALSE(alone.descending);
    CHECK(alone.text == "milk");
    CHECK(alone.limit == 5);
    CHECK(alone.after);
    const auto repeated = parse_task_list_query(
        {{"status", "completed"}, {"sort", "title"}, {"q", "MILK"}, {"cursor", cursor}});
    CHECK(repeated.after == alone.after);
    CHECK(repeated.limit == 50);

    using E = std::vector<FieldError>;
    const E other_list{{"cursor",
                        "was made for other filters or another sort; repeat them exactly or leave "
                        "them out"}};
    CHECK(errors_of({{"status", "pending"}, {"cursor", cursor}}) == other_list);
    CHECK(errors_of({{"sort", "-title"}, {"cursor", cursor}}) == other_list);
    // Leaving out a pinned filter while restating another changes the list too.
    CHECK(errors_of({{"sort", "title"}, {"cursor", cursor}}) == other_list);
    CHECK(errors_of({{"offset", "10"}, {"cursor", cursor}}) ==
          E{{"offset", "cannot be combined with cursor"}});
    CHECK(errors_of({{"cursor", cursor + "x"}}) ==
          E{{"cursor",
             "is not a cursor of this list (changed, cut short, or from another list); start "
             "again without it"}});
    CHECK(errors_of({{"cursor", ""}}).size() == 1);
}

TEST_CASE("cursor= in conversation and message pages") {
    Conversation c;
    c.id = generate_uuid_v7();
    c.updated_at = from_unix_ms(1'800'000'000'000);
    const auto cursor = *next_conversation_cursor({{c}, 2, true});
    const auto page = parse_conversation_page({{"cursor", cursor}, {"limit", "3"}});
    CHECK(page.limit == 3);
    CHECK(page.after == KeysetPosition{c.updated_at, c.id});
    CHECK_THROWS_AS(parse_conversation_page({{"cursor", cursor}, {"offset", "1"}}),
                    ValidationError);
    CHECK_THROWS_AS(parse_message_page({{"cursor", cursor}}, c.id), ValidationError);
}

TEST_CASE("a library caller's long filter text still makes a cursor that decodes") {
    TaskListQuery q;
    q.text = std::string(70'000, 'x');  // longer than a URL, not than a C++ caller's string
    const auto cursor = next_task_cursor(q, page_of(sample_task()));
    REQUIRE(cursor);
    const auto back = decode_task_cursor(*cursor);
    REQUIRE(back);
    CHECK(back->text == q.text);
}
