// The library enforces its own rules: a C++ caller of the services gets exactly the validation an
// HTTP client gets, every problem at once, and nothing invalid is stored.
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
    TaskService tasks{store->tasks()};
    ConversationService conversations{store->conversations()};
};

std::vector<FieldError> errors_of(auto&& call) {
    try {
        call();
    } catch (const ValidationError& e) {
        return e.details();
    }
    FAIL("no ValidationError");
    return {};
}

}  // namespace

TEST_CASE_METHOD(Fixture,
                 "the README example with a 201-character title fails with a field error") {
    NewTask input;
    input.title = std::string(201, 'x');
    CHECK(errors_of([&] { tasks.create("user-42", input); }) ==
          std::vector<FieldError>{{"title", "must be at most 200 characters"}});
    CHECK(tasks.list("user-42", {}).total == 0);  // nothing stored
}

TEST_CASE_METHOD(Fixture, "every broken rule of a create is reported at once") {
    NewTask input;
    input.title = "   ";
    input.description = std::string(1001, 'd');
    for (int i = 0; i < 11; ++i) input.tags.push_back("t" + std::to_string(i % 10));
    const auto errors = errors_of([&] { tasks.create("u", input); });
    std::vector<std::string> fields;
    for (const auto& e : errors) fields.push_back(e.field);
    CHECK(fields == std::vector<std::string>{"title", "description", "tags", "tags[10]"});
}

TEST_CASE_METHOD(Fixture, "inputs are normalised the same way for every caller") {
    NewTask input;
    input.title = "  Buy milk ";
    input.description = " d ";
    input.tags = {" a ", "b"};
    const auto task = tasks.create("u", input);
    CHECK(task.title == "Buy milk");
    CHECK(task.description == "d");
    CHECK(task.tags == std::vector<std::string>{"a", "b"});
    CHECK(tasks.get("u", task.id) == task);
}

TEST_CASE_METHOD(Fixture, "patches obey the same rules, an invalid patch changes nothing") {
    const auto task = tasks.create("u", NewTask{"A"});
    CHECK(errors_of([&] {
              tasks.update("u", task.id, TaskPatch{.tags = {{"x", " x"}}});
          }) == std::vector<FieldError>{{"tags[1]", "duplicate tag 'x'"}});
    CHECK(errors_of([&] { tasks.update("u", task.id, TaskPatch{.title = ""}); }) ==
          std::vector<FieldError>{{"title", "must not be empty"}});
    CHECK(tasks.get("u", task.id) == task);
}

TEST_CASE_METHOD(Fixture, "problems a decoder found are merged, never reported twice") {
    NewTask input;  // title left empty because the decoder found it missing
    input.tags = {"a", "a"};
    const auto errors = errors_of([&] {
        tasks.create("u", input, {{"title", "is required"}, {"colour", "unknown field"}});
    });
    CHECK(errors == std::vector<FieldError>{{"title", "is required"},
                                            {"colour", "unknown field"},
                                            {"tags[1]", "duplicate tag 'a'"}});
}

TEST_CASE_METHOD(Fixture, "conversations and messages are validated by the service") {
    CHECK(errors_of([&] { conversations.create("u", std::string(201, 'c')); }) ==
          std::vector<FieldError>{{"title", "must be at most 200 characters"}});
    const auto c = conversations.create("u", std::string(" Chat "));
    CHECK(c.title == "Chat");
    CHECK(errors_of([&] { conversations.add_message("u", c.id, MessageRole::user, ""); }) ==
          std::vector<FieldError>{{"content", "must not be empty"}});
    CHECK(errors_of([&] {
              conversations.add_message("u", c.id, MessageRole::user, std::string(32001, 'm'));
          }) == std::vector<FieldError>{{"content", "must be at most 32000 characters"}});
}

TEST_CASE_METHOD(Fixture, "user ids are checked by every use case") {
    CHECK(errors_of([&] { tasks.create("", NewTask{"A"}); }).at(0).field == "user_id");
    CHECK(errors_of([&] { tasks.list(std::string(256, 'u'), {}); }).at(0).field == "user_id");
    CHECK(errors_of([&] { conversations.create("\xFF", std::nullopt); }).at(0).field == "user_id");
}
