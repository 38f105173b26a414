// The changes feed through the router: every kind of write, keyed replays, paging by
// next_since, 410 RESYNC_REQUIRED, validation, per-user isolation and 304 on an unchanged poll.
#include <catch2/catch.hpp>

#include "api_support.hpp"

using namespace taskcore;
using namespace taskcore::testing;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

namespace {

std::string create(ApiFixture& f, const std::string& path, const std::string& body,
                   const std::map<std::string, std::string>& headers = {}) {
    const auto res = f.call(verb::post, path, body, headers);
    REQUIRE(res.result() == status::created);
    return std::string(ApiFixture::json(res).at("data").at("id").as_string());
}

boost::json::value feed(ApiFixture& f, const std::string& query = "",
                        const std::string& user = "alice") {
    const auto res = f.call(verb::get, "/api/" + user + "/changes" + query, "", {}, user);
    REQUIRE(res.result() == status::ok);
    return ApiFixture::json(res);
}

std::vector<std::string> events(const boost::json::value& body) {
    std::vector<std::string> out;
    for (const auto& c : body.at("data").as_array()) out.emplace_back(c.at("event").as_string());
    return out;
}

}  // namespace

TEST_CASE_METHOD(ApiFixture, "the feed lists every write in order with each object as it is now") {
    const auto task = create(*this, "/api/alice/tasks", R"({"title":"first"})");
    REQUIRE(call(verb::patch, "/api/alice/tasks/" + task + "/complete").result() == status::ok);
    const auto kept = create(*this, "/api/alice/tasks", R"({"title":"kept"})");
    REQUIRE(call(verb::delete_, "/api/alice/tasks/" + task).result() == status::ok);
    const auto conv = create(*this, "/api/alice/conversations", R"({"title":"chat"})");
    create(*this, "/api/alice/conversations/" + conv + "/messages",
           R"({"role":"user","content":"hello"})");
    // A keyed create and its retry: one write, one entry.
    const std::map<std::string, std::string> key{{"Idempotency-Key", "changes-test-1"}};
    const auto keyed = create(*this, "/api/alice/tasks", R"({"title":"keyed"})", key);
    CHECK(create(*this, "/api/alice/tasks", R"({"title":"keyed"})", key) == keyed);

    const auto body = feed(*this);
    CHECK(events(body) == std::vector<std::string>{"task.created", "task.updated", "task.created",
                                                   "task.deleted", "conversation.created",
                                                   "message.created", "task.created"});
    const auto& data = body.at("data").as_array();
    for (std::size_t i = 0; i < data.size(); ++i) CHECK(data[i].at("seq") == i + 1);
    // The deleted task's entries are tombstones; the others carry the object's current JSON.
    CHECK(data[0].at("data") == boost::json::value{{"id", task}, {"deleted", true}});
    CHECK(data[1].at("data").at("deleted") == true);
    CHECK(data[2].at("data").at("title") == "kept");
    CHECK(data[2].at("id").as_string() == kept);
    CHECK(data[5].at("conversation_id").as_string() == conv);
    CHECK(data[5].at("data").at("content") == "hello");
    CHECK(data[6].at("id").as_string() == keyed);
    const auto& meta = body.at("meta");
    CHECK(meta.at("count") == 7);
    CHECK(meta.at("since") == 0);
    CHECK(meta.at("next_since") == 7);
    CHECK(meta.at("latest_seq") == 7);
    CHECK(meta.at("has_more") == false);

    REQUIRE(call(verb::delete_, "/api/alice/conversations/" + conv).result() == status::ok);
    const auto after = feed(*this, "?since=7");
    CHECK(events(after) == std::vector<std::string>{"conversation.deleted"});
    CHECK(after.at("data").at(0).at("seq") == 8);
}

TEST_CASE_METHOD(ApiFixture, "next_since walks the feed page by page to its end") {
    for (int i = 0; i < 5; ++i) {
        create(*this, "/api/alice/tasks", R"({"title":"t)" + std::to_string(i) + R"("})");
    }
    std::vector<std::int64_t> seen;
    std::int64_t since = 0;
    for (int pages = 1;; ++pages) {
        REQUIRE(pages <= 3);
        const auto body = feed(*this, "?limit=2&since=" + std::to_string(since));
        for (const auto& c : body.at("data").as_array()) seen.push_back(c.at("seq").as_int64());
        since = body.at("meta").at("next_since").as_int64();
        if (!body.at("meta").at("has_more").as_bool()) break;
    }
    CHECK(seen == std::vector<std::int64_t>{1, 2, 3, 4, 5});
    CHECK(feed(*this, "?since=5").at("data").as_array().empty());
}

TEST_CASE_METHOD(ApiFixture, "a position the log does not cover is 410 RESYNC_REQUIRED") {
    create(*this, "/api/alice/tasks", R"({"title":"one"})");
    const auto res = call(verb::get, "/api/alice/changes?since=42");
    CHECK(res.result() == status::gone);
    const auto body = ApiFixture::json(res);
    CHECK(body.at("error").at("code") == "RESYNC_REQUIRED");
    CHECK(body.at("error").at("latest_seq") == 1);
}

TEST_CASE_METHOD(ApiFixture, "bad since and limit values are 422 naming the parameter") {
    for (const auto& [query, name] :
         std::vector<std::pair<std::string, std::string>>{{"?since=-1", "since"},
                                                          {"?since=abc", "since"},
                                                          {"?since=1.5", "since"},
                                                          {"?limit=0", "limit"},
                                                          {"?limit=201", "limit"},
                                                          {"?after=3", "after"}}) {
        CAPTURE(query);
        const auto res = call(verb::get, "/api/alice/changes" + query);
        REQUIRE(res.result() == status::unprocessable_entity);
        CHECK(ApiFixture::json(res).at("error").at("details").at(0).at("field").as_string() ==
              name);
    }
}

TEST_CASE_METHOD(ApiFixture, "one user's feed never shows another's writes") {
    create(*this, "/api/alice/tasks", R"({"title":"alice's"})");
    CHECK(call(verb::get, "/api/alice/changes", "", {}, "bob").result() == status::forbidden);
    const auto bobs = feed(*this, "", "bob");
    CHECK(bobs.at("data").as_array().empty());
    CHECK(bobs.at("meta").at("latest_seq") == 0);
}

TEST_CASE_METHOD(ApiFixture, "an unchanged poll with If-None-Match is 304, a write makes it 200") {
    create(*this, "/api/alice/tasks", R"({"title":"one"})");
    const auto first = call(verb::get, "/api/alice/changes?since=1");
    REQUIRE(first.result() == status::ok);
    const std::string etag(first[field::etag]);
    REQUIRE(etag.starts_with("W/\""));
    const auto again = call(verb::get, "/api/alice/changes?since=1", "", {{"If-None-Match", etag}});
    CHECK(again.result() == status::not_modified);
    create(*this, "/api/alice/tasks", R"({"title":"two"})");
    const auto changed =
        call(verb::get, "/api/alice/changes?since=1", "", {{"If-None-Match", etag}});
    CHECK(changed.result() == status::ok);
    CHECK(changed[field::etag] != etag);
}
