// The real binary over loopback: keep-alive, pipelining, limits, timeouts, shutdown, restarts.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <fstream>

#include "auth/test_keys.hpp"
#include "concurrency_checks.hpp"
#include "server_process.hpp"
#include "support/test_database.hpp"
#include "support/test_http_server.hpp"
#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/domain/uuid.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "e2e-secret-with-more-than-thirty-two-bytes";

std::map<std::string, std::string> base_env(std::map<std::string, std::string> extra = {}) {
    extra.emplace("BETTER_AUTH_SECRET", kSecret);
    extra.emplace("LOG_LEVEL", "info");
    return extra;
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string token(const std::string& user) {
    return test_token(user, kSecret);
}

std::string raw_get(const std::string& target, const std::string& user, bool close = false) {
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token(user) +
           (close ? "\r\nConnection: close" : "") + "\r\n\r\n";
}

std::string user() {
    return "e2e-" + generate_uuid_v7().to_string();
}

}  // namespace

TEST_CASE("keep-alive: many requests on one connection") {
    ServerProcess server(base_env());
    HttpClient client(server.port());
    const auto u = user();
    for (int i = 0; i < 20; ++i) {
        const auto res = client.request(http::verb::post, "/api/" + u + "/tasks", token(u),
                                        R"({"title":"task )" + std::to_string(i) + "\"}");
        REQUIRE(res.result() == http::status::created);
        CHECK(res.keep_alive());
    }
    const auto list = client.request(http::verb::get, "/api/" + u + "/tasks?limit=200", token(u));
    CHECK(boost::json::parse(list.body()).at("meta").at("total") == 20);
}

TEST_CASE("pipelining: responses come back in request order") {
    ServerProcess server(base_env());
    HttpClient client(server.port());
    const auto u = user();
    const std::string bad_id = "/api/" + u + "/tasks/not-a-uuid";
    client.send_raw(raw_get("/health", u) + raw_get(bad_id, u) +
                    raw_get("/api/" + u + "/tasks", u) + raw_get("/nope", u));
    CHECK(client.read_response().result() == http::status::ok);
    CHECK(client.read_response().result() == http::status::unprocessable_entity);
    const auto list = client.read_response();
    CHECK(list.result() == http::status::ok);
    CHECK(boost::json::parse(list.body()).at("meta").at("total") == 0);
    CHECK(client.read_response().result() == http::status::not_found);
}

// An MCP POST as the official clients send it (2025-11-25, after initialize).
std::string raw_mcp(const std::string& token, const std::string& body) {
    return "POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n"
           "Authorization: Bearer " +
           token + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST_CASE("MCP over the real server: a tool call, its access log line and its metrics") {
    ServerProcess server(base_env({{"MAX_BODY_BYTES", "1024"}}));
    const auto u = user();
    HttpClient client(server.port());
    client.send_raw(raw_mcp(
        token(u),
        R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_task","arguments":{"title":"via MCP"}}})"));
    auto res = client.read_response();
    REQUIRE(res.result() == http::status::ok);
    CHECK(boost::json::parse(res.body()).at("result").at("structuredContent").at("title") ==
          "via MCP");
    client.send_raw(raw_mcp(
        token(u),
        R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_task","arguments":{"task_id":"0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b"}}})"));
    res = client.read_response();
    CHECK(boost::json::parse(res.body()).at("result").at("isError") == true);
    const auto list = client.request(http::verb::get, "/api/" + u + "/tasks", token(u));
    CHECK(boost::json::parse(list.body()).at("data").at(0).at("title") == "via MCP");

    const auto metrics = client.request(http::verb::get, "/metrics").body();
    CHECK(metrics.find(R"(taskcore_mcp_tool_calls_total{tool="add_task",outcome="ok"} 1)") !=
          std::string::npos);
    CHECK(
        metrics.find(R"(taskcore_mcp_tool_calls_total{tool="get_task",outcome="tool_error"} 1)") !=
        std::string::npos);

    // Over MAX_BODY_BYTES: 413 before the body is read, as on every route.
    HttpClient big(server.port());
    big.send_raw(raw_mcp(token(u), std::string(2000, ' ')));
    CHECK(big.read_response().result() == http::status::payload_too_large);

    CHECK(server.stop(SIGTERM) == 0);
    const auto log = server.log();
    CHECK(log.find("POST /mcp 200") != std::string::npos);
    CHECK(log.find("tool=add_task:ok") != std::string::npos);
    CHECK(log.find("tool=get_task:tool_error") != std::string::npos);
    CHECK(log.find("via MCP") == std::string::npos);  // arguments are never logged
}

TEST_CASE("a body over MAX_BODY_BYTES is 413 from Content-Length, before it is read") {
    ServerProcess server(base_env({{"MAX_BODY_BYTES", "1024"}}));
    const auto u = user();
    HttpClient client(server.port());
    client.send_raw("POST /api/" + u +
                    "/tasks HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:3000\r\n"
                    "Content-Type: application/json\r\nAuthorization: Bearer " +
                    token(u) + "\r\nContent-Length: 5000\r\n\r\n" + std::string(100, ' '));
    const auto res = client.read_response();
    CHECK(res.result() == http::status::payload_too_large);
    CHECK(boost::json::parse(res.body()).at("error").at("code") == "PAYLOAD_TOO_LARGE");
    CHECK(res[http::field::access_control_allow_origin] == "http://localhost:3000");
    CHECK_FALSE(res.keep_alive());

    // A chunked body that grows past the limit is refused too.
    HttpClient chunked(server.port());
    std::string body = "POST /api/" + u +
                       "/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Authorization: Bearer " +
                       token(u) + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) body += "200\r\n" + std::string(512, 'x') + "\r\n";
    body += "0\r\n\r\n";
    chunked.send_raw(body);
    CHECK(chunked.read_response().result() == http::status::payload_too_large);

    HttpClient ok(server.port());
    CHECK(ok.request(http::verb::post, "/api/" + u + "/tasks", token(u), R"({"title":"fits"})")
              .result() == http::status::created);
}

TEST_CASE("a header block over 8 KiB is 431") {
    ServerProcess server(base_env());
    HttpClient client(server.port());
    client.send_raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') +
                    "\r\n\r\n");
    const auto res = client.read_response();
    CHECK(res.result() == http::status::request_header_fields_too_large);
    CHECK(boost::json::parse(res.body()).at("error").at("code") ==
          "REQUEST_HEADER_FIELDS_TOO_LARGE");
}

TEST_CASE("slow and idle clients are disconnected after IDLE_TIMEOUT_SECONDS") {
    ServerProcess server(base_env({{"IDLE_TIMEOUT_SECONDS", "1"}}));
    HttpClient idle(server.port());
    HttpClient slow(server.port());
    slow.send_raw("GET /health HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
    const auto start = std::chrono::steady_clock::now();
    CHECK(slow.closed_by_peer(std::chrono::seconds{5}));
    CHECK(idle.closed_by_peer(std::chrono::seconds{5}));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{4});
}

TEST_CASE("many idle keep-alive connections do not delay a new client") {
    ServerProcess server(base_env());
    std::vector<std::unique_ptr<HttpClient>> idle;
    for (int i = 0; i < 300; ++i) idle.push_back(std::make_unique<HttpClient>(server.port()));
    const auto start = std::chrono::steady_clock::now();
    HttpClient fresh(server.port());
    CHECK(fresh.request(http::verb::get, "/health").result() == http::status::ok);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{1});
}

TEST_CASE("SIGTERM finishes an in-flight request, then exits 0") {
    ServerProcess server(base_env());
    const auto u = user();
    HttpClient idle(server.port());
    HttpClient in_flight(server.port());
    const std::string body = R"({"title":"sent during shutdown"})";
    // Headers now, body after the signal: the request is in progress when shutdown starts.
    in_flight.send_raw("POST /api/" + u +
                       "/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Authorization: Bearer " +
                       token(u) + "\r\nContent-Length: " + std::to_string(body.size()) +
                       "\r\n\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    std::thread stopper([&] { CHECK(server.stop(SIGTERM) == 0); });
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
    CHECK(idle.closed_by_peer(std::chrono::seconds{5}));
    in_flight.send_raw(body);
    const auto res = in_flight.read_response();
    CHECK(res.result() == http::status::created);
    CHECK_FALSE(res.keep_alive());
    stopper.join();
    CHECK(server.log().find("shut down cleanly") != std::string::npos);
}

TEST_CASE("data survives a restart") {
    // Both servers use one database that outlives the first server's scratch directory.
    const std::string url = resolve_test_database_url();  // a fresh file for SQLite
    const auto u = user();
    std::string id;
    {
        ServerProcess first(base_env(), url);
        HttpClient c(first.port());
        const auto res =
            c.request(http::verb::post, "/api/" + u + "/tasks", token(u), R"({"title":"durable"})");
        REQUIRE(res.result() == http::status::created);
        id = std::string(boost::json::parse(res.body()).at("data").at("id").as_string());
        REQUIRE(first.stop(SIGINT) == 0);
    }
    ServerProcess second(base_env(), url);
    HttpClient c(second.port());
    const auto res = c.request(http::verb::get, "/api/" + u + "/tasks/" + id, token(u));
    REQUIRE(res.result() == http::status::ok);
    CHECK(boost::json::parse(res.body()).at("data").at("title") == "durable");
}

TEST_CASE("the access log has one line per request without tokens or query strings") {
    ServerProcess server(base_env());
    const auto u = user();
    HttpClient c(server.port());
    const auto t = token(u);
    c.request(http::verb::get, "/api/" + u + "/tasks?q=secret-query", t);
    server.stop(SIGTERM);
    const auto log = server.log();
    CHECK(log.find("GET /api/" + u + "/tasks 200 ") != std::string::npos);
    CHECK(log.find("secret-query") == std::string::npos);
    CHECK(log.find(t) == std::string::npos);
}

TEST_CASE("start-up fails with one line naming a bad variable") {
    CHECK_THROWS_WITH(ServerProcess(base_env({{"PORT", "eighty"}})),
                      Catch::Contains("PORT: expected an integer"));
    CHECK_THROWS_WITH(ServerProcess(std::map<std::string, std::string>{{"BETTER_AUTH_SECRET", ""}}),
                      Catch::Contains("BETTER_AUTH_SECRET: required"));
}

TEST_CASE("a SQLite file the server cannot write stops start-up with a line naming it") {
    const auto dir =
        std::filesystem::temp_directory_path() / ("taskcore-ro-" + generate_uuid_v7().to_string());
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(
        dir, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                 std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                 std::filesystem::perms::others_exec);
    const std::string url = "sqlite:///" + (dir / "ro.db").string();
    { ServerProcess first(base_env(), url); }  // creates and migrates the file
    std::filesystem::permissions(dir / "ro.db", std::filesystem::perms::owner_read |
                                                    std::filesystem::perms::group_read |
                                                    std::filesystem::perms::others_read);
    // root writes any file whatever its mode, so run the server as an ordinary user then.
    auto env = base_env();
    if (geteuid() == 0) env["TASKCORE_TEST_RUN_AS"] = "nobody";
    // Was: it started, /health said healthy, and every write was a 500.
    CHECK_THROWS_WITH(ServerProcess(env, url), Catch::Contains("is read-only for this process") &&
                                                   Catch::Contains((dir / "ro.db").string()));
    std::filesystem::remove_all(dir);
}

TEST_CASE("concurrent toggles over HTTP lose no update") {
    ServerProcess server(base_env());
    check_no_lost_toggle(server.port(), kSecret, 5, 10);
}

TEST_CASE("exactly one of several concurrent DELETEs gets 200") {
    ServerProcess server(base_env());
    check_one_delete_winner(server.port(), kSecret, 6);
}

TEST_CASE("two writers with one If-Match: exactly one 200 and one 412, 100 times") {
    ServerProcess server(base_env());
    check_if_match_race(server.port(), kSecret, 100);
}

TEST_CASE("cursor pages skip and repeat nothing while tasks are created and deleted") {
    ServerProcess server(base_env());
    check_cursor_walk_under_writes(server.port(), kSecret, 2000);
}

TEST_CASE("concurrent writers over HTTP: the change log holds every write once, in order") {
    ServerProcess server(base_env());
    check_change_log_exactly_once(server.port(), kSecret, 4, 15);
}

TEST_CASE("updated_at never goes backwards and list totals match the rows under concurrency") {
    ServerProcess server(base_env());
    check_updated_at_monotonic(server.port(), kSecret, 4);
    check_list_totals_consistent(server.port(), kSecret, 4);
}

TEST_CASE("Better Auth mode: EdDSA tokens from the JWKS and HS256 tokens side by side") {
    TestHttpServer better_auth;
    const TestKey key("EdDSA", "ba-key");
    better_auth.respond(200, jwks_of({&key}));
    ServerProcess server(base_env(
        {{"BETTER_AUTH_URL", better_auth.url("")}, {"JWT_ISSUER", "http://localhost:3000"}}));
    const auto u = user();
    const auto now = now_seconds();
    const auto eddsa =
        key.token({{"sub", u}, {"iss", "http://localhost:3000"}, {"exp", now + 900}});
    HttpClient c(server.port());
    auto res = c.request(http::verb::post, "/api/" + u + "/tasks", eddsa, R"({"title":"from BA"})");
    CHECK(res.result() == http::status::created);
    const auto hs256 =
        sign_hs256({{"sub", u}, {"iss", "http://localhost:3000"}, {"exp", now + 900}}, kSecret);
    res = c.request(http::verb::get, "/api/" + u + "/tasks", hs256);
    CHECK(res.result() == http::status::ok);
    CHECK(boost::json::parse(res.body()).at("meta").at("total") == 1);
    auto tampered = eddsa;
    tampered[tampered.find('.') + 5] ^= 1;
    CHECK(c.request(http::verb::get, "/api/" + u + "/tasks", tampered).result() ==
          http::status::unauthorized);
    CHECK(better_auth.hits() >= 1);
}

TEST_CASE("JWKS_FILE mode without a shared secret") {
    const TestKey key("ES256", "file-key");
    const auto dir = std::filesystem::temp_directory_path() /
                     ("taskcore-jwks-" + generate_uuid_v7().to_string());
    std::filesystem::create_directories(dir);
    { std::ofstream(dir / "jwks.json") << jwks_of({&key}); }
    ServerProcess server({{"JWKS_FILE", (dir / "jwks.json").string()}, {"BETTER_AUTH_SECRET", ""}});
    const auto u = user();
    const auto now = now_seconds();
    HttpClient c(server.port());
    CHECK(c.request(http::verb::get, "/api/" + u + "/tasks",
                    key.token({{"sub", u}, {"exp", now + 60}}))
              .result() == http::status::ok);
    // No secret configured: HS256 is refused, even one signed with an empty key.
    CHECK(c.request(http::verb::get, "/api/" + u + "/tasks",
                    sign_hs256({{"sub", u}, {"exp", now + 60}}, ""))
              .result() == http::status::unauthorized);
    std::filesystem::remove_all(dir);
}

TEST_CASE("GET /metrics counts requests by route template, never by user or id") {
    ServerProcess server(base_env());
    const auto u = user();
    HttpClient c(server.port());
    for (int i = 0; i < 3; ++i) {
        c.request(http::verb::post, "/api/" + u + "/tasks", token(u), R"({"title":"m"})");
    }
    c.request(http::verb::get, "/api/" + u + "/tasks/not-a-uuid", token(u));
    c.request(http::verb::get, "/api/" + u + "/tasks", "bad-token");
    const auto res = c.request(http::verb::get, "/metrics");
    REQUIRE(res.result() == http::status::ok);
    CHECK(res[http::field::content_type].starts_with("text/plain; version=0.0.4"));
    const auto& text = res.body();
    CHECK(
        text.find(
            R"(taskcore_http_requests_total{route="/api/{user_id}/tasks",method="POST",status="201"} 3)") !=
        std::string::npos);
    CHECK(text.find(R"(taskcore_http_errors_total{code="VALIDATION_ERROR"} 1)") !=
          std::string::npos);
    CHECK(text.find(R"(taskcore_http_errors_total{code="UNAUTHORIZED"} 1)") != std::string::npos);
    CHECK(text.find(
              R"(taskcore_http_request_duration_seconds_count{route="/api/{user_id}/tasks"} 4)") !=
          std::string::npos);
    CHECK(text.find("taskcore_http_requests_in_flight 1") != std::string::npos);  // this request
    CHECK(text.find("taskcore_db_pool_capacity") != std::string::npos);
    CHECK(text.find(u) == std::string::npos);
}

namespace {

// A POST with an Idempotency-Key, retried while the first is still in flight (409).
HttpResponse keyed_post(unsigned short port, const std::string& target, const std::string& tok,
                        const std::string& body, const std::string& key) {
    for (int attempt = 0;; ++attempt) {
        HttpClient c(port);
        auto res = c.request(http::verb::post, target, tok, body, {{"Idempotency-Key", key}});
        if (res.result() != http::status::conflict || attempt == 50) return res;
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
}

std::int64_t task_total(unsigned short port, const std::string& u) {
    HttpClient c(port);
    const auto res = c.request(http::verb::get, "/api/" + u + "/tasks", token(u));
    return boost::json::parse(res.body()).at("meta").at("total").as_int64();
}

}  // namespace

TEST_CASE("Idempotency-Key: a create whose answer was lost is not repeated by its retry") {
    ServerProcess server(base_env());
    const auto u = user();
    const auto target = "/api/" + u + "/tasks";
    const std::string body = R"({"title":"exactly once"})";
    {
        // Send, then hang up without reading the answer.
        HttpClient lost(server.port());
        lost.send_raw("POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                      token(u) +
                      "\r\nContent-Type: application/json\r\nIdempotency-Key: lost-1\r\n"
                      "Content-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    const auto replay = keyed_post(server.port(), target, token(u), body, "lost-1");
    REQUIRE(replay.result() == http::status::created);
    CHECK(task_total(server.port(), u) == 1);
    // The replay is the original answer: the stored task, and the same bytes every time.
    const auto again = keyed_post(server.port(), target, token(u), body, "lost-1");
    CHECK(again.body() == replay.body());
    CHECK(again[http::field::location] == replay[http::field::location]);
    CHECK(again[http::field::etag] == replay[http::field::etag]);
    CHECK(again["Idempotent-Replayed"] == "true");
    HttpClient c(server.port());
    const auto stored =
        c.request(http::verb::get, std::string(replay[http::field::location]), token(u));
    CHECK(boost::json::parse(stored.body()).at("data") ==
          boost::json::parse(replay.body()).at("data"));
    // Same key, another payload: 422, nothing created.
    const auto other = keyed_post(server.port(), target, token(u), R"({"title":"x"})", "lost-1");
    CHECK(other.result() == http::status::unprocessable_entity);
    CHECK(boost::json::parse(other.body()).at("error").at("code") == "IDEMPOTENCY_KEY_REUSED");
    CHECK(task_total(server.port(), u) == 1);
}

TEST_CASE("Idempotency-Key: twenty concurrent requests with one key make one task") {
    ServerProcess server(base_env());
    const auto u = user();
    const auto target = "/api/" + u + "/tasks";
    std::vector<HttpResponse> answers(20);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        threads.emplace_back([&, i] {
            HttpClient c(server.port());
            answers[i] = c.request(http::verb::post, target, token(u), R"({"title":"one"})",
                                   {{"Idempotency-Key", "burst"}});
        });
    }
    for (auto& t : threads) t.join();
    int created = 0;
    int conflicts = 0;
    std::string first_body;
    for (const auto& a : answers) {
        if (a.result() == http::status::created) {
            ++created;
            if (first_body.empty()) first_body = a.body();
            CHECK(a.body() == first_body);  // one answer, replayed
        } else {
            CHECK(a.result() == http::status::conflict);
            CHECK(a[http::field::retry_after] == "1");
            ++conflicts;
        }
    }
    CHECK(created + conflicts == 20);
    CHECK(created >= 1);
    CHECK(task_total(server.port(), u) == 1);
}

TEST_CASE("Idempotency-Key: the replay survives a server restart") {
    const std::string url = resolve_test_database_url();
    const auto u = user();
    const auto target = "/api/" + u + "/conversations";
    HttpResponse original;
    {
        ServerProcess first(base_env(), url);
        original = keyed_post(first.port(), target, token(u), R"({"title":"kept"})", "restart-1");
        REQUIRE(original.result() == http::status::created);
        REQUIRE(first.stop(SIGINT) == 0);
    }
    ServerProcess second(base_env(), url);
    const auto replay =
        keyed_post(second.port(), target, token(u), R"({"title":"kept"})", "restart-1");
    CHECK(replay.result() == http::status::created);
    CHECK(replay.body() == original.body());
    CHECK(replay["Idempotent-Replayed"] == "true");
    HttpClient c(second.port());
    const auto list = c.request(http::verb::get, target, token(u));
    CHECK(boost::json::parse(list.body()).at("meta").at("total") == 1);
}
