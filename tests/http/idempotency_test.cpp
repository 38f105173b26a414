// Idempotency-Key through the router: which routes take it, what a replay carries, and what it
// never does (replay another user's answer, store an error).
#include <catch2/catch.hpp>

#include "api/route_table.hpp"
#include "api_support.hpp"

using namespace taskcore;
using namespace taskcore::testing;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

TEST_CASE_METHOD(ApiFixture, "a keyed toggle is applied once however often it is retried") {
    const auto created = call(verb::post, "/api/alice/tasks", R"({"title":"t"})");
    const std::string path(created[field::location]);
    const auto first = call(verb::patch, path + "/complete", "", {{"Idempotency-Key", "tap-1"}});
    REQUIRE(first.result() == status::ok);
    CHECK(first.find("Idempotent-Replayed") == first.end());
    for (int i = 0; i < 3; ++i) {
        const auto retry =
            call(verb::patch, path + "/complete", "", {{"Idempotency-Key", "tap-1"}});
        CHECK(retry.result() == status::ok);
        CHECK(retry.body() == first.body());
        CHECK(retry[field::etag] == first[field::etag]);
        CHECK(retry["Idempotent-Replayed"] == "true");
    }
    CHECK(json(call(verb::get, path)).at("data").at("completed") == true);
    // A new key is a new toggle.
    call(verb::patch, path + "/complete", "", {{"Idempotency-Key", "tap-2"}});
    CHECK(json(call(verb::get, path)).at("data").at("completed") == false);
}

TEST_CASE_METHOD(ApiFixture, "keyed message appends and conversation creates replay") {
    const auto conv = call(verb::post, "/api/alice/conversations", R"({"title":"c"})",
                           {{"Idempotency-Key", "conv-1"}});
    REQUIRE(conv.result() == status::created);
    const auto again = call(verb::post, "/api/alice/conversations", R"({"title":"c"})",
                            {{"Idempotency-Key", "conv-1"}});
    CHECK(again.body() == conv.body());
    CHECK(again[field::location] == conv[field::location]);
    CHECK(json(call(verb::get, "/api/alice/conversations")).at("meta").at("total") == 1);

    const std::string messages = std::string(conv[field::location]) + "/messages";
    const std::string body = R"({"role":"user","content":"hello"})";
    const auto m1 = call(verb::post, messages, body, {{"Idempotency-Key", "msg-1"}});
    const auto m2 = call(verb::post, messages, body, {{"Idempotency-Key", "msg-1"}});
    CHECK(m1.result() == status::created);
    CHECK(m2.body() == m1.body());
    CHECK(json(call(verb::get, messages)).at("meta").at("total") == 1);
    // The same key on another route is another request: 422.
    const auto elsewhere =
        call(verb::post, "/api/alice/tasks", R"({"title":"t"})", {{"Idempotency-Key", "msg-1"}});
    CHECK(elsewhere.result() == status::unprocessable_entity);
    CHECK(json(elsewhere).at("error").at("code") == "IDEMPOTENCY_KEY_REUSED");
}

TEST_CASE_METHOD(ApiFixture, "keys are per user, checked, and errors are not stored") {
    const auto alice =
        call(verb::post, "/api/alice/tasks", R"({"title":"a"})", {{"Idempotency-Key", "same"}});
    const auto bob = call(verb::post, "/api/bob/tasks", R"({"title":"a"})",
                          {{"Idempotency-Key", "same"}}, "bob");
    CHECK(bob.result() == status::created);
    CHECK(bob.find("Idempotent-Replayed") == bob.end());
    CHECK(bob[field::location] != alice[field::location]);

    for (const std::string& bad : {std::string(256, 'k'), std::string("has space")}) {
        const auto res =
            call(verb::post, "/api/alice/tasks", R"({"title":"a"})", {{"Idempotency-Key", bad}});
        CHECK(res.result() == status::unprocessable_entity);
        CHECK(json(res).at("error").at("details").at(0).at("field") == "Idempotency-Key");
    }
    // A refused request leaves the key unused: fixing the body and retrying works.
    const auto invalid =
        call(verb::post, "/api/alice/tasks", R"({"title":""})", {{"Idempotency-Key", "fix-me"}});
    CHECK(invalid.result() == status::unprocessable_entity);
    const auto fixed =
        call(verb::post, "/api/alice/tasks", R"({"title":"ok"})", {{"Idempotency-Key", "fix-me"}});
    CHECK(fixed.result() == status::created);
    CHECK(fixed.find("Idempotent-Replayed") == fixed.end());
}

TEST_CASE_METHOD(ApiFixture, "CORS lets browsers send Idempotency-Key and read the replay flag") {
    const auto pre =
        call(verb::options, "/api/alice/tasks", "",
             {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "POST"}});
    CHECK(std::string(pre[field::access_control_allow_headers]).find("Idempotency-Key") !=
          std::string::npos);
    const auto got = call(verb::get, "/api/alice/tasks", "", {{"Origin", "http://localhost:3000"}});
    CHECK(std::string(got[field::access_control_expose_headers]).find("Idempotent-Replayed") !=
          std::string::npos);
}

TEST_CASE_METHOD(ApiFixture, "the OpenAPI document states keys and preconditions per operation") {
    const auto doc = json(call(verb::get, "/openapi.json", "", {}, ""));
    auto has_parameter = [&](const char* path, const char* method, const std::string& ref) {
        const auto& op = doc.at("paths").at(path).at(method).as_object();
        if (!op.contains("parameters")) return false;
        for (const auto& p : op.at("parameters").as_array()) {
            if (p.as_object().contains("$ref") &&
                p.at("$ref").as_string() == "#/components/parameters/" + ref)
                return true;
        }
        return false;
    };
    CHECK(has_parameter("/api/{user_id}/tasks", "post", "IdempotencyKey"));
    CHECK(has_parameter("/api/{user_id}/tasks/{id}/complete", "patch", "IdempotencyKey"));
    CHECK(has_parameter("/api/{user_id}/conversations/{id}/messages", "post", "IdempotencyKey"));
    CHECK_FALSE(has_parameter("/api/{user_id}/tasks/{id}", "patch", "IdempotencyKey"));
    CHECK(has_parameter("/api/{user_id}/tasks/{id}", "patch", "IfMatch"));
    CHECK(has_parameter("/api/{user_id}/tasks", "get", "IfNoneMatch"));
    CHECK(doc.at("paths")
              .at("/api/{user_id}/tasks/{id}")
              .at("delete")
              .at("responses")
              .as_object()
              .contains("412"));
    CHECK(doc.at("paths")
              .at("/api/{user_id}/tasks")
              .at("get")
              .at("responses")
              .as_object()
              .contains("304"));
    CHECK(
        doc.at("components").at("responses").at("Task").at("headers").as_object().contains("ETag"));
}

// The dispatcher's write safety and the OpenAPI document read the same flags of the route
// table; this walks the whole table, so a new route cannot take one without the other.
TEST_CASE_METHOD(ApiFixture, "every route's write safety is what its table entry says") {
    using namespace taskcore::server;
    const auto doc = json(call(verb::get, "/openapi.json", "", {}, ""));
    const auto task = call(verb::post, "/api/alice/tasks", R"({"title":"t"})");
    const auto conv = call(verb::post, "/api/alice/conversations", "");
    const auto id_of = [&](const Response& created) {
        const std::string location(created[field::location]);
        return location.substr(location.rfind('/') + 1);
    };
    int conditional = 0;
    for (const auto& route : route_table()) {
        if (!route.documented) continue;
        for (const auto& op : route.operations) {
            std::string method(boost::beast::http::to_string(op.method));
            for (auto& c : method) c = static_cast<char>(std::tolower(c));
            CAPTURE(route.path, method);
            CHECK((op.handler == nullptr) != (op.write == nullptr));
            std::string path(route.path);
            const auto& documented = doc.at("paths").at(path).at(method).as_object();
            const auto params = boost::json::serialize(
                documented.contains("parameters") ? documented.at("parameters") : nullptr);
            CHECK(op.keyed() == (params.find("IdempotencyKey") != std::string::npos));
            CHECK(op.conditional == (params.find("IfMatch") != std::string::npos));
            if (!op.conditional) continue;
            ++conditional;
            const auto at = path.find("{id}");
            const bool of_task = path.find("/tasks/") != std::string::npos;
            path.replace(at, 4, of_task ? id_of(task) : id_of(conv));
            path.replace(path.find("{user_id}"), 9, "alice");
            const bool with_body = op.method == verb::put || op.method == verb::patch;
            const auto body = with_body && !path.ends_with("/complete") ? R"({"title":"x"})" : "";
            const auto stale = call(op.method, path, body, {{"If-Match", "\"not-a-version\""}});
            CHECK(stale.result() == status::precondition_failed);
        }
    }
    CHECK(conditional == 5);  // PUT, PATCH, DELETE of a task; its toggle; a conversation delete
}
