// Keyset cursors through the router: meta.next_cursor and Link rel="next" walk every list to
// its end, and a cursor that was changed, or is used for another list, is a 422.
#include <catch2/catch.hpp>

#include <set>

#include "api_support.hpp"

using namespace taskcore;
using namespace taskcore::testing;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

namespace {

// The target inside `Link: <target>; rel="next"`, or "" without a Link.
std::string next_target(const server::Response& res) {
    const std::string link(res[field::link]);
    if (link.empty()) return "";
    REQUIRE(link.front() == '<');
    const auto end = link.find('>');
    REQUIRE(end != std::string::npos);
    CHECK(link.substr(end) == R"(>; rel="next")");
    return link.substr(1, end - 1);
}

std::string create(ApiFixture& f, const std::string& path, const std::string& body,
                   const std::string& user = "alice") {
    const auto res = f.call(verb::post, path, body, {}, user);
    REQUIRE(res.result() == status::created);
    return std::string(ApiFixture::json(res).at("data").at("id").as_string());
}

std::string field_of_error(const server::Response& res) {
    CHECK(res.result() == status::unprocessable_entity);
    const auto body = ApiFixture::json(res);
    CHECK(body.at("error").at("code") == "VALIDATION_ERROR");
    return std::string(body.at("error").at("details").at(0).at("field").as_string());
}

}  // namespace

TEST_CASE_METHOD(ApiFixture, "following Link rel=next walks a filtered task list to its end") {
    std::set<std::string> pending;
    for (int i = 0; i < 11; ++i) {
        const auto id =
            create(*this, "/api/alice/tasks", R"({"title":"t)" + std::to_string(i) + R"("})");
        if (i % 4 == 0) {
            REQUIRE(call(verb::patch, "/api/alice/tasks/" + id + "/complete").result() ==
                    status::ok);
        } else {
            pending.insert(id);
        }
    }
    std::set<std::string> seen;
    std::string target = "/api/alice/tasks?status=pending&sort=title&limit=3";
    std::set<std::string> etags;
    int pages = 0;
    while (!target.empty()) {
        REQUIRE(++pages < 10);
        const auto res = call(verb::get, target);
        REQUIRE(res.result() == status::ok);
        etags.insert(std::string(res[field::etag]));
        const auto body = json(res);
        const auto& meta = body.at("meta");
        CHECK(meta.at("total") == pending.size());
        CHECK(meta.at("limit") == 3);
        for (const auto& t : body.at("data").as_array()) {
            CHECK(t.at("completed") == false);  // the cursor kept the filter
            CHECK(seen.insert(std::string(t.at("id").as_string())).second);
        }
        const auto next = next_target(res);
        if (next.empty()) {
            CHECK(meta.at("next_cursor").is_null());
        } else {
            const auto cursor = std::string(meta.at("next_cursor").as_string());
            CHECK(next == "/api/alice/tasks?cursor=" + cursor + "&limit=3");
        }
        target = next;
    }
    CHECK(seen == pending);
    CHECK(pages == 3);
    CHECK(etags.size() == 3);
}

TEST_CASE_METHOD(ApiFixture, "a changed or misused cursor is a 422 naming the parameter") {
    for (int i = 0; i < 3; ++i) create(*this, "/api/alice/tasks", R"({"title":"t"})");
    const auto first = json(call(verb::get, "/api/alice/tasks?limit=1&status=all"));
    const std::string cursor(first.at("meta").at("next_cursor").as_string());
    const auto base = "/api/alice/tasks?cursor=";

    auto changed = cursor;
    changed[changed.size() / 2] = changed[changed.size() / 2] == 'A' ? 'B' : 'A';
    CHECK(field_of_error(call(verb::get, base + changed)) == "cursor");
    CHECK(field_of_error(call(verb::get, base + cursor.substr(1))) == "cursor");
    CHECK(field_of_error(call(verb::get, base + cursor + "&status=pending")) == "cursor");
    CHECK(field_of_error(call(verb::get, base + cursor + "&offset=1")) == "offset");
    CHECK(call(verb::get, base + cursor + "&status=all").result() == status::ok);
    CHECK(call(verb::get, base + cursor + "&limit=2").result() == status::ok);

    // Another list's cursor.
    const auto conversation = create(*this, "/api/alice/conversations", "{}");
    create(*this, "/api/alice/conversations", "{}");
    const auto conversations = json(call(verb::get, "/api/alice/conversations?limit=1"));
    const std::string conversation_cursor(conversations.at("meta").at("next_cursor").as_string());
    CHECK(field_of_error(call(verb::get, base + conversation_cursor)) == "cursor");
    CHECK(field_of_error(call(verb::get, "/api/alice/conversations/" + conversation +
                                             "/messages?cursor=" + conversation_cursor)) ==
          "cursor");
}

TEST_CASE_METHOD(ApiFixture, "a cursor positions within the caller's own list only") {
    for (int i = 0; i < 3; ++i) create(*this, "/api/alice/tasks", R"({"title":"a"})");
    const auto bob_task = create(*this, "/api/bob/tasks", R"({"title":"b"})", "bob");
    const auto first = json(call(verb::get, "/api/alice/tasks?limit=1&sort=created_at"));
    const std::string cursor(first.at("meta").at("next_cursor").as_string());
    // Bob may send Alice's cursor: it is a position in *his* list (it says nothing about hers
    // beyond what she was shown), and he sees his rows after it, never hers.
    const auto res = call(verb::get, "/api/bob/tasks?cursor=" + cursor, "", {}, "bob");
    REQUIRE(res.result() == status::ok);
    const auto data = json(res).at("data").as_array();
    REQUIRE(data.size() == 1);
    CHECK(data.at(0).at("id").as_string() == bob_task);
    CHECK(json(res).at("meta").at("total") == 1);
}

TEST_CASE_METHOD(ApiFixture, "messages page by cursor, oldest first, in their conversation") {
    const auto c = create(*this, "/api/alice/conversations", "{}");
    std::vector<std::string> sent;
    for (int i = 0; i < 5; ++i) {
        sent.push_back(create(*this, "/api/alice/conversations/" + c + "/messages",
                              R"({"role":"user","content":"m)" + std::to_string(i) + R"("})"));
    }
    std::vector<std::string> read;
    std::string target = "/api/alice/conversations/" + c + "/messages?limit=2";
    while (!target.empty()) {
        const auto res = call(verb::get, target);
        REQUIRE(res.result() == status::ok);
        const auto body = json(res);
        for (const auto& m : body.at("data").as_array()) read.emplace_back(m.at("id").as_string());
        target = next_target(res);
    }
    CHECK(read == sent);
    const auto other = create(*this, "/api/alice/conversations", "{}");
    const auto page = json(call(verb::get, "/api/alice/conversations/" + c + "/messages?limit=2"));
    const std::string cursor(page.at("meta").at("next_cursor").as_string());
    CHECK(field_of_error(call(verb::get, "/api/alice/conversations/" + other +
                                             "/messages?cursor=" + cursor)) == "cursor");
}

TEST_CASE_METHOD(ApiFixture, "offset pages carry next_cursor too and browsers may read Link") {
    for (int i = 0; i < 3; ++i) create(*this, "/api/alice/tasks", R"({"title":"t"})");
    const auto res = call(verb::get, "/api/alice/tasks?limit=1&offset=1", "",
                          {{"Origin", "http://localhost:3000"}});
    CHECK(std::string(res[field::access_control_expose_headers]).find("Link") != std::string::npos);
    const auto body = json(res);
    const std::string cursor(body.at("meta").at("next_cursor").as_string());
    const auto next = json(call(verb::get, "/api/alice/tasks?limit=5&cursor=" + cursor));
    CHECK(next.at("data").as_array().size() == 1);  // the third, after the offset page's one
    CHECK(next.at("meta").at("next_cursor").is_null());
    CHECK(next.at("meta").at("offset") == 0);
}
