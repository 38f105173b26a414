// What the server offers people trying it: the /docs page with its embedded Swagger UI, and the
// seed command's ready-to-paste tokens.
#include <catch2/catch.hpp>

#include <sstream>

#include "api_support.hpp"
#include "ops/seed.hpp"

using namespace taskcore;
using namespace taskcore::testing;
using boost::beast::http::status;
using boost::beast::http::verb;

TEST_CASE_METHOD(ApiFixture, "GET /docs is the API page with its embedded Swagger UI files") {
    auto res = call(verb::get, "/docs", "", {}, "");
    REQUIRE(res.result() == status::ok);
    CHECK(header(res, "Content-Type") == "text/html; charset=utf-8");
    CHECK(header(res, "Cache-Control") == "no-cache");
    CHECK(header(res, "Content-Security-Policy").find("script-src 'self';") != std::string::npos);
    const std::string page = res.body();
    for (const auto* asset :
         {"/docs/swagger-ui-bundle.js?v=", "/docs/swagger-ui.css?v=", "/docs/init.js?v="}) {
        CAPTURE(asset);
        CHECK(page.find(asset) != std::string::npos);
    }
    const std::vector<std::pair<std::string, std::string>> files{
        {"/docs/swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
        {"/docs/init.js", "text/javascript; charset=utf-8"},
        {"/docs/swagger-ui.css", "text/css; charset=utf-8"},
        {"/docs/favicon-32x32.png", "image/png"}};
    for (const auto& [path, type] : files) {
        CAPTURE(path);
        res = call(verb::get, path + "?v=1", "", {}, "");
        CHECK(res.result() == status::ok);
        CHECK(header(res, "Content-Type") == type);
        CHECK(header(res, "Cache-Control") == "public, max-age=31536000, immutable");
        CHECK(res.body().size() > 100);
    }
    CHECK(
        call(verb::get, "/docs/swagger-ui-bundle.js", "", {}, "").body().find("SwaggerUIBundle") !=
        std::string::npos);
    CHECK(call(verb::get, "/docs/init.js", "", {}, "").body().find("\"/openapi.json\"") !=
          std::string::npos);
    CHECK(call(verb::post, "/docs", "", {}, "").result() == status::method_not_allowed);
    CHECK(call(verb::get, "/docs/other.js", "", {}, "").result() == status::not_found);
}

TEST_CASE_METHOD(ApiFixture,
                 "DOCS_ENABLED=false turns the page off and DOCS_ASSETS_URL moves its files") {
    config.docs_assets_url = "https://cdn.example/swagger-ui-dist@5";
    rebuild();
    auto res = call(verb::get, "/docs", "", {}, "");
    CHECK(res.body().find(R"(href="https://cdn.example/swagger-ui-dist@5/swagger-ui.css?v=)") !=
          std::string::npos);
    CHECK(header(res, "Content-Security-Policy").find("script-src 'self' https://cdn.example/") !=
          std::string::npos);
    config.docs_enabled = false;
    rebuild();
    for (const auto* path : {"/docs", "/docs/swagger-ui-bundle.js", "/docs/init.js"}) {
        CAPTURE(path);
        CHECK(call(verb::get, path, "", {}, "").result() == status::not_found);
    }
}

TEST_CASE_METHOD(ApiFixture, "seed prints one token variable per demo user, ready to paste") {
    std::ostringstream out;
    server::run_seed(*store, config, false, out);
    const std::string text = out.str();
    for (const auto& [user, variable] :
         {std::pair<std::string, std::string>{"demo-alice", "ALICE_TOKEN"},
          {"demo-bob", "BOB_TOKEN"}}) {
        CAPTURE(user);
        const auto at = text.find("\n" + variable + "=");
        REQUIRE(at != std::string::npos);
        const auto start = at + variable.size() + 2;
        const auto token = text.substr(start, text.find('\n', start) - start);
        CHECK(verifier.verify(token).user_id == user);
        CHECK(text.find("Bearer $" + variable + "\" http://") != std::string::npos);
    }
}
