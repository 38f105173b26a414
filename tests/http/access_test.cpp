// Who may call: bearer tokens refused with the reason, a path user that is not the token's, and
// another user's data that looks exactly like missing data (in-process, real SQLite store).
#include <catch2/catch.hpp>

#include "api_support.hpp"

using namespace taskcore;
using namespace taskcore::testing;
using boost::beast::http::status;
using boost::beast::http::verb;

TEST_CASE_METHOD(ApiFixture, "authentication failures are 401 with WWW-Authenticate") {
    auto res = call(verb::get, "/api/alice/tasks", "", {}, "");
    CHECK(res.result() == status::unauthorized);
    CHECK(header(res, "WWW-Authenticate") == "Bearer");
    CHECK(error_code_of(res) == "UNAUTHORIZED");
    res = call(verb::get, "/api/alice/tasks", "", {{"Authorization", "Bearer not.a.token"}});
    CHECK(res.result() == status::unauthorized);
    CHECK(header(res, "WWW-Authenticate") ==
          R"(Bearer error="invalid_token", error_description="malformed token")");
    res = call(verb::get, "/api/alice/tasks", "", {{"Authorization", "Basic abc"}});
    CHECK(res.result() == status::unauthorized);
    CHECK(
        header(res, "WWW-Authenticate") ==
        R"(Bearer error="invalid_request", error_description="Authorization header must be Bearer <token>")");
    res = call(verb::get, "/api/alice/tasks", "",
               {{"Authorization", "Bearer " + token_for("alice", -3600)}});
    CHECK(res.result() == status::unauthorized);
    // Scheme is case-insensitive and white space around the value is stripped.
    res = call(verb::get, "/api/alice/tasks", "",
               {{"Authorization", "  bearer   " + token_for("alice") + "  "}});
    CHECK(res.result() == status::ok);
}

// Each refusal says why, in a fixed phrase (RFC 6750 error_description and the envelope's
// message), and never repeats what the token carried.
TEST_CASE_METHOD(ApiFixture, "a refused token's 401 says why without echoing the token") {
    JwtOptions options;
    options.issuer = "https://auth.example";
    options.audience = "taskcore";
    options.leeway = std::chrono::seconds{0};
    verifier = JwtVerifier{kSecret, options};
    rebuild();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto claims = [&](boost::json::object extra) {
        boost::json::object c{{"sub", "alice"},
                              {"iat", now},
                              {"exp", now + 600},
                              {"iss", "https://auth.example"},
                              {"aud", "taskcore"}};
        for (const auto& [k, v] : extra) c[k] = v;
        return c;
    };
    const auto without = [&](std::string_view key) {
        auto c = claims({});
        c.erase(key);
        return c;
    };
    const std::vector<std::pair<std::string, std::string>> cases{
        {sign_hs256(claims({{"exp", now - 60}}), kSecret), "token expired"},
        {sign_hs256(claims({{"nbf", now + 600}}), kSecret), "token not yet valid"},
        {sign_hs256(claims({{"sub", "secret-probe"}}), "another-secret-of-sufficient-length!!"),
         "signature invalid"},
        {sign_hs256(claims({{"iss", "https://evil.example"}}), kSecret), "issuer not accepted"},
        {sign_hs256(claims({{"aud", "someone-else"}}), kSecret), "audience not accepted"},
        {sign_hs256(without("sub"), kSecret), "no user claim"},
        {"abc.def.ghi", "malformed token"},
    };
    for (const auto& [token, reason] : cases) {
        CAPTURE(reason);
        const auto res =
            call(verb::get, "/api/alice/tasks", "", {{"Authorization", "Bearer " + token}}, "");
        CHECK(res.result() == status::unauthorized);
        CHECK(header(res, "WWW-Authenticate") ==
              R"(Bearer error="invalid_token", error_description=")" + reason + "\"");
        CHECK(error_code_of(res) == "UNAUTHORIZED");
        CHECK(json(res).at("error").at("message").as_string() == reason);
        CHECK(res.body().find("probe") == std::string::npos);
        CHECK(res.body().find("evil") == std::string::npos);
    }
    const auto ok = call(verb::get, "/api/alice/tasks", "",
                         {{"Authorization", "Bearer " + sign_hs256(claims({}), kSecret)}}, "");
    CHECK(ok.result() == status::ok);
}

TEST_CASE_METHOD(ApiFixture, "a path user different from the token's is 403") {
    const auto res = call(verb::get, "/api/bob/tasks", "", {}, "alice");
    CHECK(res.result() == status::forbidden);
    CHECK(error_code_of(res) == "FORBIDDEN");
}

TEST_CASE_METHOD(ApiFixture, "another user's task is indistinguishable from a missing one") {
    const auto id = new_task_id(R"({"title":"bob's"})", "bob");
    for (const auto method : {verb::get, verb::delete_}) {
        const auto res = call(method, "/api/alice/tasks/" + id);
        CHECK(res.result() == status::not_found);
        CHECK(error_code_of(res) == "NOT_FOUND");
    }
    auto res = call(verb::patch, "/api/alice/tasks/" + id, R"({"title":"mine now"})");
    CHECK(res.result() == status::not_found);
    res = call(verb::patch, "/api/alice/tasks/" + id + "/complete");
    CHECK(res.result() == status::not_found);
    res = call(verb::get, "/api/alice/tasks/" + generate_uuid_v7().to_string());
    CHECK(res.body().find("task not found") != std::string::npos);
    CHECK(json(call(verb::get, "/api/bob/tasks/" + id, "", {}, "bob")).at("data").at("title") ==
          "bob's");
}
