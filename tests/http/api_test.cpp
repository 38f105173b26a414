// Every API rule the router owns (docs/api.md), checked in-process against a real SQLite store.
#include <catch2/catch.hpp>

#include "api_support.hpp"
#include "taskcore/domain/text.hpp"

using namespace taskcore;
using namespace taskcore::testing;
using boost::beast::http::status;
using boost::beast::http::verb;

TEST_CASE_METHOD(ApiFixture, "health reports the backend and version without auth") {
    const auto res = call(verb::get, "/health", "", {}, "");
    CHECK(res.result() == status::ok);
    CHECK(res.body() ==
          R"({"status":"healthy","database":"connected","backend":"sqlite","version":"0.1.0"})");
    CHECK(header(res, "Content-Type") == "application/json; charset=utf-8");
    CHECK(header(res, "Cache-Control") == "no-store");
    CHECK(header(res, "X-Content-Type-Options") == "nosniff");
}

TEST_CASE_METHOD(ApiFixture, "creating a task returns 201, the envelope and a Location") {
    const auto res = call(verb::post, "/api/alice/tasks",
                          R"({"title":"  Buy milk ","priority":"high","tags":[" a "],"id":"x"})");
    REQUIRE(res.result() == status::created);
    const auto body = json(res);
    const auto& data = body.at("data").as_object();
    CHECK(data.at("title") == "Buy milk");
    CHECK(data.at("status") == "pending");
    CHECK(data.at("user_id") == "alice");
    CHECK(data.at("tags").as_array() == boost::json::array{"a"});
    const std::string id(data.at("id").as_string());
    CHECK(parse_uuid(id)->version() == 7);
    CHECK(header(res, "Location") == "/api/alice/tasks/" + id);
    CHECK(body.at("meta").at("request_id").as_string() == header(res, "X-Request-ID"));
    CHECK(parse_rfc3339(body.at("meta").at("timestamp").as_string()));
}

TEST_CASE_METHOD(ApiFixture, "unknown routes are 404 and known paths with wrong methods are 405") {
    CHECK(call(verb::get, "/nope").result() == status::not_found);
    CHECK(call(verb::get, "/api/alice/tasks/").result() == status::not_found);
    CHECK(call(verb::get, "/api/alice/unknown").result() == status::not_found);
    auto res = call(verb::delete_, "/api/alice/tasks");
    CHECK(res.result() == status::method_not_allowed);
    CHECK(header(res, "Allow") == "GET, HEAD, POST, OPTIONS");
    CHECK(error_code_of(res) == "METHOD_NOT_ALLOWED");
    res = call(verb::post, "/api/alice/tasks/" + generate_uuid_v7().to_string());
    CHECK(header(res, "Allow") == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS");
    CHECK(call(verb::post, "/health").result() == status::method_not_allowed);
}

TEST_CASE_METHOD(ApiFixture, "a malformed UUID in a path is 422") {
    const auto res = call(verb::get, "/api/alice/tasks/not-a-uuid");
    CHECK(res.result() == status::unprocessable_entity);
    CHECK(json(res).at("error").at("details").at(0).at("field") == "id");
}

TEST_CASE_METHOD(ApiFixture, "body errors: 415, 400 and 422 with every detail") {
    auto res =
        call(verb::post, "/api/alice/tasks", R"({"title":"x"})", {{"Content-Type", "text/plain"}});
    CHECK(res.result() == status::unsupported_media_type);
    CHECK(error_code_of(res) == "UNSUPPORTED_MEDIA_TYPE");
    res = call(verb::post, "/api/alice/tasks", R"({"title":"x"})", {{"Content-Type", ""}});
    CHECK(res.result() == status::unsupported_media_type);
    res = call(verb::post, "/api/alice/tasks", R"({"title":"x"})",
               {{"Content-Type", "Application/JSON; charset=UTF-8"}});
    CHECK(res.result() == status::created);
    res = call(verb::post, "/api/alice/tasks", R"({"title":"x"})",
               {{"Content-Type", "application/json; charset=latin1"}});
    CHECK(res.result() == status::unsupported_media_type);

    for (const std::string bad : {"{", R"({"title":NaN})", R"({"title":"x",})",
                                  "{\"title\":\"\xC3\"}", R"({"title":"\udc00"})", "/*c*/{}"}) {
        INFO(bad);
        res = call(verb::post, "/api/alice/tasks", bad);
        CHECK(res.result() == status::bad_request);
        CHECK(error_code_of(res) == "MALFORMED_JSON");
    }

    res = call(verb::post, "/api/alice/tasks",
               R"({"title":"","priority":"urgent","tags":["a","a"],"x":1})");
    REQUIRE(res.result() == status::unprocessable_entity);
    const auto details = json(res).at("error").at("details").as_array();
    CHECK(details.size() == 4);

    res = call(verb::post, "/api/alice/tasks", "", {{"Content-Type", ""}});
    CHECK(res.result() == status::unprocessable_entity);
    CHECK(json(res).at("error").at("details").at(0).at("field") == "body");
    res = call(verb::post, "/api/alice/tasks", "[]");
    CHECK(res.result() == status::unprocessable_entity);
}

TEST_CASE_METHOD(ApiFixture,
                 "PUT and PATCH update partially so updated_at moves but created_at not") {
    const auto id = new_task_id(R"({"title":"a","description":"d","tags":["x"]})");
    const auto before = json(call(verb::get, "/api/alice/tasks/" + id)).at("data");
    auto res = call(verb::put, "/api/alice/tasks/" + id,
                    R"({"priority":"low","created_at":"2000-01-01T00:00:00Z"})");
    REQUIRE(res.result() == status::ok);
    auto after = json(res).at("data");
    CHECK(after.at("priority") == "low");
    CHECK(after.at("description") == "d");
    CHECK(after.at("created_at") == before.at("created_at"));
    CHECK(after.at("updated_at").as_string() >= before.at("updated_at").as_string());
    res = call(verb::patch, "/api/alice/tasks/" + id, R"({"description":null,"completed":true})");
    after = json(res).at("data");
    CHECK(after.at("description").is_null());
    CHECK(after.at("status") == "completed");
    CHECK(after.at("completed_at").is_string());
    res = call(verb::patch, "/api/alice/tasks/" + id, R"({"title":"   "})");
    CHECK(res.result() == status::unprocessable_entity);
    CHECK(call(verb::patch, "/api/alice/tasks/" + id, "", {{"Content-Type", ""}}).result() ==
          status::unprocessable_entity);
}

TEST_CASE_METHOD(ApiFixture, "PATCH complete toggles on an empty body whatever its Content-Type") {
    const auto id = new_task_id();
    const auto url = "/api/alice/tasks/" + id + "/complete";
    auto res = call(verb::patch, url, "", {{"Content-Type", "text/plain"}});
    REQUIRE(res.result() == status::ok);
    CHECK(json(res).at("data").at("completed") == true);
    res = call(verb::patch, url);
    CHECK(json(res).at("data").at("completed") == false);
    CHECK(json(res).at("data").at("completed_at").is_null());
    res = call(verb::patch, url, R"({"completed":true})");
    CHECK(json(res).at("data").at("completed") == true);
    res = call(verb::patch, url, R"({"completed":true})");
    CHECK(json(res).at("data").at("completed") == true);
    res = call(verb::patch, url, R"({"completed":"yes"})");
    CHECK(res.result() == status::unprocessable_entity);
    res = call(verb::patch, url, R"({"completed":true})", {{"Content-Type", "text/plain"}});
    CHECK(res.result() == status::unsupported_media_type);
}

TEST_CASE_METHOD(ApiFixture, "delete returns the id once, then 404") {
    const auto id = new_task_id();
    auto res = call(verb::delete_, "/api/alice/tasks/" + id);
    REQUIRE(res.result() == status::ok);
    CHECK(json(res).at("data") == boost::json::object{{"id", id}, {"deleted", true}});
    CHECK(call(verb::delete_, "/api/alice/tasks/" + id).result() == status::not_found);
}

TEST_CASE_METHOD(ApiFixture, "list meta, filters, sorting and bad parameters") {
    new_task_id(R"({"title":"ÜBER wichtig","priority":"high","tags":["work"]})");
    new_task_id(R"({"title":"low one","priority":"low","completed":true})");
    new_task_id(R"({"title":"medium","description":"über alles"})");
    auto res = call(verb::get, "/api/alice/tasks?limit=2&offset=1");
    REQUIRE(res.result() == status::ok);
    auto body = json(res);
    CHECK(body.at("meta").at("count") == 2);
    CHECK(body.at("meta").at("total") == 3);
    CHECK(body.at("meta").at("limit") == 2);
    CHECK(body.at("meta").at("offset") == 1);

    body = json(call(verb::get, "/api/alice/tasks?q=%C3%BCber&sort=title"));
    CHECK(body.at("meta").at("total") == 2);
    CHECK(body.at("data").at(0).at("title") == "medium");
    body = json(call(verb::get, "/api/alice/tasks?sort=priority"));
    CHECK(body.at("data").at(0).at("priority") == "low");
    CHECK(body.at("data").at(2).at("priority") == "high");
    body = json(call(verb::get, "/api/alice/tasks?status=completed"));
    CHECK(body.at("meta").at("total") == 1);
    body = json(call(verb::get, "/api/alice/tasks?tag=work&priority=high"));
    CHECK(body.at("meta").at("total") == 1);
    body = json(call(verb::get, "/api/alice/tasks?q=low+one"));
    CHECK(body.at("meta").at("total") == 1);

    for (const char* bad :
         {"limit=0", "limit=201", "offset=12345678901234567890123", "offset=-1", "status=done",
          "sort=colour", "priority=urgent", "limit=1&limit=2", "bogus=1", "q=%ZZ"}) {
        INFO(bad);
        res = call(verb::get, std::string("/api/alice/tasks?") + bad);
        CHECK(res.result() == status::unprocessable_entity);
        CHECK(error_code_of(res) == "VALIDATION_ERROR");
    }
}

TEST_CASE_METHOD(ApiFixture, "X-Request-ID is echoed when sane (trimmed), replaced otherwise") {
    auto res = call(verb::get, "/health", "", {{"X-Request-ID", "   abc-123_X.y  "}}, "");
    CHECK(header(res, "X-Request-ID") == "abc-123_X.y");
    res = call(verb::get, "/api/alice/tasks", "", {{"X-Request-ID", "bad id!"}});
    const auto fresh = header(res, "X-Request-ID");
    CHECK(parse_uuid(fresh));
    CHECK(json(res).at("meta").at("request_id").as_string() == fresh);
    res = call(verb::get, "/api/alice/tasks", "", {{"X-Request-ID", std::string(129, 'a')}});
    CHECK(header(res, "X-Request-ID").size() == 36);
    res = call(verb::get, "/nope", "", {{"X-Request-ID", "trace-1"}});
    CHECK(json(res).at("meta").at("request_id") == "trace-1");
}

TEST_CASE_METHOD(ApiFixture, "CORS headers on every response for allowed origins only") {
    const std::map<std::string, std::string> allowed{{"Origin", "https://app.example.com"}};
    for (const auto& res : {call(verb::get, "/api/alice/tasks", "", allowed, ""),
                            call(verb::get, "/api/alice/tasks", "", allowed),
                            call(verb::get, "/nowhere", "", allowed)}) {
        CHECK(header(res, "Access-Control-Allow-Origin") == "https://app.example.com");
        CHECK(header(res, "Access-Control-Allow-Credentials") == "true");
        CHECK(header(res, "Vary") == "Origin");
        CHECK(header(res, "Access-Control-Expose-Headers") ==
              "X-Request-ID, Location, Retry-After, WWW-Authenticate, Allow, RateLimit, "
              "RateLimit-Policy, ETag, Idempotent-Replayed, Link");
    }
    for (const char* origin : {"https://evil.example.com", "http://localhost:3001",
                               "http://app.example.com", "https://app.example.com/"}) {
        const auto res = call(verb::get, "/api/alice/tasks", "", {{"Origin", origin}});
        CHECK(header(res, "Access-Control-Allow-Origin") == "<absent>");
        CHECK(header(res, "Vary") == "<absent>");
    }
}

TEST_CASE_METHOD(ApiFixture,
                 "preflight is 204 without auth, with the allowed methods and headers") {
    config.cors_allow_headers = {"X-Custom"};
    rebuild();
    const auto res =
        call(verb::options, "/api/alice/tasks/" + generate_uuid_v7().to_string(), "",
             {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "PATCH"}}, "");
    CHECK(res.result() == status::no_content);
    CHECK(res.body().empty());
    CHECK(header(res, "Access-Control-Allow-Origin") == "http://localhost:3000");
    CHECK(header(res, "Access-Control-Allow-Methods") == "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    CHECK(header(res, "Access-Control-Allow-Headers") ==
          "Authorization, Content-Type, X-Request-ID, traceparent, tracestate, baggage, "
          "sentry-trace, MCP-Protocol-Version, Mcp-Method, Mcp-Name, If-Match, If-None-Match, "
          "Idempotency-Key, Last-Event-ID, X-Custom");
    CHECK(header(res, "Access-Control-Max-Age") == "600");
    const auto denied =
        call(verb::options, "/api/alice/tasks", "", {{"Origin", "http://evil"}}, "");
    CHECK(header(denied, "Access-Control-Allow-Methods") == "<absent>");
}

TEST_CASE_METHOD(ApiFixture, "Unicode user ids arrive percent-encoded and leave percent-encoded") {
    const std::string user = "usér/ü 1";
    const std::string encoded = "us%C3%A9r%2F%C3%BC%201";
    const auto res = call(verb::post, "/api/" + encoded + "/tasks", R"({"title":"x"})", {}, user);
    REQUIRE(res.result() == status::created);
    const auto location = header(res, "Location");
    CHECK(location.starts_with("/api/" + encoded + "/tasks/"));
    CHECK(
        std::all_of(location.begin(), location.end(), [](char c) { return c > 0x20 && c < 0x7F; }));
    CHECK(json(res).at("data").at("user_id").as_string() == user);
    CHECK(
        json(call(verb::get, "/api/" + encoded + "/tasks", "", {}, user)).at("meta").at("total") ==
        1);
}

TEST_CASE_METHOD(ApiFixture, "conversations and messages over HTTP") {
    auto res = call(verb::post, "/api/alice/conversations", "", {{"Content-Type", ""}});
    REQUIRE(res.result() == status::created);
    CHECK(json(res).at("data").at("title").is_null());
    res = call(verb::post, "/api/alice/conversations", R"({"title":" Plans "})");
    REQUIRE(res.result() == status::created);
    const std::string id(json(res).at("data").at("id").as_string());
    CHECK(header(res, "Location") == "/api/alice/conversations/" + id);
    const auto created_updated = json(res).at("data").at("updated_at");

    const auto msgs = "/api/alice/conversations/" + id + "/messages";
    res = call(verb::post, msgs, R"({"role":"user","content":"hello"})");
    REQUIRE(res.result() == status::created);
    CHECK(json(res).at("data").at("conversation_id").as_string() == id);
    res = call(verb::post, msgs, R"({"role":"assistant","content":"hi"})");
    REQUIRE(res.result() == status::created);
    CHECK(call(verb::post, msgs, R"({"role":"robot","content":""})").result() ==
          status::unprocessable_entity);

    auto list = json(call(verb::get, msgs + "?limit=1&offset=1"));
    CHECK(list.at("meta").at("total") == 2);
    CHECK(list.at("meta").at("limit") == 1);
    CHECK(list.at("data").at(0).at("content") == "hi");
    CHECK(json(call(verb::get, msgs)).at("meta").at("limit") == 100);

    const auto conv = json(call(verb::get, "/api/alice/conversations/" + id)).at("data");
    CHECK(conv.at("updated_at").as_string() >= created_updated.as_string());
    list = json(call(verb::get, "/api/alice/conversations"));
    CHECK(list.at("data").at(0).at("id").as_string() == id);  // most recently updated first
    CHECK(list.at("meta").at("total") == 2);

    CHECK(call(verb::get, msgs, "", {}, "").result() == status::unauthorized);
    CHECK(call(verb::get, "/api/bob/conversations/" + id + "/messages", "", {}, "bob").result() ==
          status::not_found);
    CHECK(call(verb::post, "/api/bob/conversations/" + id + "/messages",
               R"({"role":"user","content":"x"})", {}, "bob")
              .result() == status::not_found);
    res = call(verb::delete_, "/api/alice/conversations/" + id);
    CHECK(res.result() == status::ok);
    CHECK(call(verb::get, msgs).result() == status::not_found);
    CHECK(call(verb::get, "/api/alice/conversations?limit=0").result() ==
          status::unprocessable_entity);
}

TEST_CASE_METHOD(ApiFixture, "a custom API_PREFIX moves every API route") {
    config.api_prefix = "/v1/api";
    rebuild();
    CHECK(call(verb::get, "/v1/api/alice/tasks").result() == status::ok);
    CHECK(call(verb::get, "/api/alice/tasks").result() == status::not_found);
    const auto res = call(verb::post, "/v1/api/alice/tasks", R"({"title":"x"})");
    CHECK(header(res, "Location").starts_with("/v1/api/alice/tasks/"));
}

TEST_CASE_METHOD(ApiFixture, "HEAD is GET without the body, on every GET route") {
    const auto id = new_task_id();
    for (const std::string& target :
         std::vector<std::string>{"/health", "/openapi.json", "/api/alice/tasks",
                                  "/api/alice/tasks/" + id, "/api/alice/nope"}) {
        INFO(target);
        const auto get = call(verb::get, target);
        const auto head = call(verb::head, target);
        CHECK(head.result() == get.result());
        CHECK(head.body().empty());
        CHECK(header(head, "Content-Length") == std::to_string(get.body().size()));
        CHECK(header(head, "Content-Type") == header(get, "Content-Type"));
    }
    // An error answer to HEAD has no body either.
    const auto denied = call(verb::head, "/api/alice/tasks", "", {}, "");
    CHECK(denied.result() == status::unauthorized);
    CHECK(denied.body().empty());
    CHECK(header(call(verb::options, "/health", "", {}, ""), "Allow") == "GET, HEAD, OPTIONS");
}

TEST_CASE_METHOD(ApiFixture, "U+0000 is refused in every text field, query and user id") {
    const auto fields = [&](const std::string& target, const std::string& body) {
        const auto res = call(verb::post, target, body);
        REQUIRE(res.result() == status::unprocessable_entity);
        std::vector<std::string> out;
        const auto parsed = json(res);
        for (const auto& d : parsed.at("error").at("details").as_array())
            out.emplace_back(d.at("field").as_string());
        return out;
    };
    CHECK(fields("/api/alice/tasks",
                 R"({"title":"abc\u0000def","description":"\u0000","tags":["a\u0000b"]})") ==
          std::vector<std::string>{"title", "description", "tags[0]"});
    const std::string conv(
        json(call(verb::post, "/api/alice/conversations", "", {{"Content-Type", ""}}))
            .at("data")
            .at("id")
            .as_string());
    CHECK(fields("/api/alice/conversations/" + conv + "/messages",
                 R"({"role":"user","content":"\u0000hello"})") ==
          std::vector<std::string>{"content"});
    CHECK(fields("/api/alice/conversations", R"({"title":"x\u0000"})") ==
          std::vector<std::string>{"title"});
    CHECK(call(verb::get, "/api/alice/tasks?q=a%00b").result() == status::unprocessable_entity);
    CHECK(call(verb::get, "/api/alice/tasks?tag=%00").result() == status::unprocessable_entity);

    // A token naming "victim\0x" cannot be anyone: 401, and the victim's rows stay unseen.
    new_task_id(R"({"title":"victim's"})", "victim");
    const std::string forged_user("victim\0x", 8);
    auto res = call(verb::get, "/api/victim/tasks", "",
                    {{"Authorization", "Bearer " + token_for(forged_user)}}, "");
    CHECK(res.result() == status::unauthorized);
    res = call(verb::get, "/api/victim%00x/tasks", "", {}, "victim");
    CHECK(res.result() == status::forbidden);
}

TEST_CASE_METHOD(ApiFixture, "every error body is valid UTF-8, even when it quotes client bytes") {
    const auto res = call(verb::get, "/api/alice/tasks?%C0%AF=1");
    CHECK(res.result() == status::unprocessable_entity);
    CHECK(is_valid_utf8(res.body()));
    CHECK(json(res).at("error").at("details").at(0).at("field") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE_METHOD(ApiFixture, "due dates must be in years 0001-9999 once normalised to UTC") {
    for (const char* bad : {"0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"}) {
        INFO(bad);
        const auto res = call(verb::post, "/api/alice/tasks",
                              std::string(R"({"title":"t","due_date":")") + bad + "\"}");
        CHECK(res.result() == status::unprocessable_entity);
        CHECK(json(res).at("error").at("details").at(0).at("field") == "due_date");
    }
    const auto ok = call(verb::post, "/api/alice/tasks",
                         R"({"title":"t","due_date":"9999-12-31T23:59:59+01:00"})");
    REQUIRE(ok.result() == status::created);
    CHECK(json(ok).at("data").at("due_date") == "9999-12-31T22:59:59.000Z");
}

TEST_CASE_METHOD(ApiFixture, "dot-segment user ids are percent-encoded in Location") {
    for (const auto& [user, segment] :
         {std::pair<std::string, std::string>{"..", "%2E%2E"}, {".", "%2E"}}) {
        const auto res =
            call(verb::post, "/api/" + segment + "/tasks", R"({"title":"x"})", {}, user);
        REQUIRE(res.result() == status::created);
        CHECK(header(res, "Location").starts_with("/api/" + segment + "/tasks/"));
    }
}
