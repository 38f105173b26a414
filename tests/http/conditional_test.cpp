// Conditional requests through the router: ETags on every item and page, If-None-Match → 304,
// If-Match → 412 with the current ETag (RFC 9110 §13).
#include <catch2/catch.hpp>

#include "api_support.hpp"

using namespace taskcore;
using namespace taskcore::testing;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

namespace {

struct Created {
    std::string path;
    std::string etag;
};

Created create_task(ApiFixture& f, const std::string& title = "t") {
    const auto res = f.call(verb::post, "/api/alice/tasks", R"({"title":")" + title + R"("})");
    REQUIRE(res.result() == status::created);
    return {std::string(res[field::location]), std::string(res[field::etag])};
}

}  // namespace

TEST_CASE_METHOD(ApiFixture, "items carry a strong ETag that changes with every write") {
    const auto task = create_task(*this);
    CHECK(task.etag.starts_with("\"v"));
    CHECK(task.etag.ends_with("\""));
    const auto got = call(verb::get, task.path);
    CHECK(got[field::etag] == task.etag);
    const auto patched = call(verb::patch, task.path, R"({"title":"u"})");
    CHECK(patched[field::etag] != task.etag);
    const auto toggled = call(verb::patch, task.path + "/complete");
    CHECK(toggled[field::etag] != patched[field::etag]);
    CHECK(call(verb::get, task.path)[field::etag] == toggled[field::etag]);

    const auto conv = call(verb::post, "/api/alice/conversations", R"({"title":"c"})");
    CHECK(conv[field::etag].starts_with("\"v"));
    const std::string conv_path(conv[field::location]);
    const auto msg = call(verb::post, conv_path + "/messages", R"({"role":"user","content":"hi"})");
    CHECK(msg.result() == status::created);
    CHECK(msg[field::etag].starts_with("\"v"));
}

TEST_CASE_METHOD(ApiFixture, "If-None-Match answers 304 without a body while the tag holds") {
    const auto task = create_task(*this);
    const auto same = call(verb::get, task.path, "", {{"If-None-Match", task.etag}});
    CHECK(same.result() == status::not_modified);
    CHECK(same.body().empty());
    CHECK(same[field::etag] == task.etag);
    CHECK(same.find(field::content_length) == same.end());
    // Weak comparison, lists and "*".
    CHECK(call(verb::get, task.path, "", {{"If-None-Match", "W/" + task.etag}}).result() ==
          status::not_modified);
    CHECK(call(verb::get, task.path, "", {{"If-None-Match", "\"x\", " + task.etag}}).result() ==
          status::not_modified);
    CHECK(call(verb::get, task.path, "", {{"If-None-Match", "*"}}).result() ==
          status::not_modified);
    CHECK(call(verb::get, task.path, "", {{"If-None-Match", "\"other\""}}).result() == status::ok);
    CHECK(call(verb::get, task.path, "", {{"If-None-Match", "garbage"}}).result() == status::ok);

    call(verb::patch, task.path, R"({"title":"changed"})");
    const auto changed = call(verb::get, task.path, "", {{"If-None-Match", task.etag}});
    CHECK(changed.result() == status::ok);
    CHECK(json(changed).at("data").at("title") == "changed");
    // A missing task is still 404, whatever If-None-Match says.
    CHECK(call(verb::get, "/api/alice/tasks/" + generate_uuid_v7().to_string(), "",
               {{"If-None-Match", "*"}})
              .result() == status::not_found);
}

TEST_CASE_METHOD(ApiFixture, "list pages carry a weak ETag that follows their content") {
    create_task(*this, "a");
    const auto first = call(verb::get, "/api/alice/tasks");
    const std::string etag(first[field::etag]);
    CHECK(etag.starts_with("W/\""));
    CHECK(call(verb::get, "/api/alice/tasks", "", {{"If-None-Match", etag}}).result() ==
          status::not_modified);
    // Another page of the same rows is another representation.
    CHECK(call(verb::get, "/api/alice/tasks?limit=1")[field::etag] != etag);
    const auto b = create_task(*this, "b");
    CHECK(call(verb::get, "/api/alice/tasks", "", {{"If-None-Match", etag}}).result() ==
          status::ok);
    const std::string after(call(verb::get, "/api/alice/tasks")[field::etag]);
    call(verb::patch, b.path, R"({"priority":"high"})");
    CHECK(call(verb::get, "/api/alice/tasks")[field::etag] != after);
    // Other users' pages never share the tag by accident of being empty and equal: both are
    // empty pages, which is the same representation, and that is fine.
    CHECK(call(verb::get, "/api/alice/conversations")[field::etag].starts_with("W/\""));
}

TEST_CASE_METHOD(ApiFixture, "If-Match makes writes conditional: 412 names the current ETag") {
    const auto task = create_task(*this);
    const auto stale = call(verb::patch, task.path, R"({"title":"x"})", {{"If-Match", "\"v1\""}});
    CHECK(stale.result() == status::precondition_failed);
    CHECK(json(stale).at("error").at("code") == "PRECONDITION_FAILED");
    CHECK(stale[field::etag] == task.etag);
    CHECK(json(call(verb::get, task.path)).at("data").at("title") == "t");  // nothing changed

    const auto ok = call(verb::patch, task.path, R"({"title":"x"})", {{"If-Match", task.etag}});
    REQUIRE(ok.result() == status::ok);
    const std::string v2(ok[field::etag]);
    // The old tag no longer matches any write.
    CHECK(call(verb::put, task.path, R"({"title":"y"})", {{"If-Match", task.etag}}).result() ==
          status::precondition_failed);
    CHECK(call(verb::patch, task.path + "/complete", "", {{"If-Match", task.etag}}).result() ==
          status::precondition_failed);
    CHECK(call(verb::delete_, task.path, "", {{"If-Match", task.etag}}).result() ==
          status::precondition_failed);
    // Weak tags never match If-Match (strong comparison); lists may hold the current one.
    CHECK(call(verb::patch, task.path, R"({"title":"y"})", {{"If-Match", "W/" + v2}}).result() ==
          status::precondition_failed);
    CHECK(call(verb::patch, task.path, R"({"title":"y"})", {{"If-Match", "\"v1\", " + v2}})
              .result() == status::ok);
    // "*" only asks that the task exist; an empty patch is checked too.
    const auto star = call(verb::patch, task.path + "/complete", "", {{"If-Match", "*"}});
    CHECK(star.result() == status::ok);
    CHECK(call(verb::patch, task.path, "{}", {{"If-Match", v2}}).result() ==
          status::precondition_failed);
    CHECK(call(verb::patch, task.path, "{}", {{"If-Match", std::string(star[field::etag])}})
              .result() == status::ok);
    const auto gone =
        call(verb::delete_, task.path, "", {{"If-Match", std::string(star[field::etag])}});
    CHECK(gone.result() == status::ok);
    // Missing (or another user's) resource: 404, not 412.
    CHECK(call(verb::delete_, task.path, "", {{"If-Match", "*"}}).result() == status::not_found);
    CHECK(call(verb::patch, task.path, R"({"title":"z"})", {{"If-Match", v2}}).result() ==
          status::not_found);
}

TEST_CASE_METHOD(ApiFixture, "another user's ETag and If-Match learn nothing about a task") {
    const auto task = create_task(*this);
    const auto id = task.path.substr(task.path.rfind('/') + 1);
    const auto bob = call(verb::patch, "/api/bob/tasks/" + id, R"({"title":"x"})",
                          {{"If-Match", task.etag}}, "bob");
    CHECK(bob.result() == status::not_found);
    CHECK(bob.find(field::etag) == bob.end());
}

TEST_CASE_METHOD(ApiFixture, "a conversation delete honours If-Match") {
    const auto conv = call(verb::post, "/api/alice/conversations", R"({"title":"c"})");
    const std::string path(conv[field::location]);
    const std::string etag(conv[field::etag]);
    call(verb::post, path + "/messages", R"({"role":"user","content":"later"})");
    const auto refused = call(verb::delete_, path, "", {{"If-Match", etag}});
    // A message landed since (updated_at moved on), unless both fell in one millisecond.
    if (refused.result() == status::precondition_failed) {
        CHECK(refused[field::etag] != etag);
        CHECK(call(verb::delete_, path, "", {{"If-Match", std::string(refused[field::etag])}})
                  .result() == status::ok);
    } else {
        CHECK(refused.result() == status::ok);
    }
    CHECK(call(verb::get, path).result() == status::not_found);
}

TEST_CASE_METHOD(ApiFixture, "CORS lets browsers send If-Match and read ETag") {
    const auto pre = call(verb::options, "/api/alice/tasks", "",
                          {{"Origin", "http://localhost:3000"},
                           {"Access-Control-Request-Method", "PATCH"},
                           {"Access-Control-Request-Headers", "if-match"}});
    const std::string allowed(pre[field::access_control_allow_headers]);
    CHECK(allowed.find("If-Match") != std::string::npos);
    CHECK(allowed.find("If-None-Match") != std::string::npos);
    const auto got = call(verb::get, "/api/alice/tasks", "", {{"Origin", "http://localhost:3000"}});
    CHECK(std::string(got[field::access_control_expose_headers]).find("ETag") != std::string::npos);
}
