// HTTP/1.1 conformance of the real binary over raw sockets: HEAD, Host, Transfer-Encoding,
// Expect: 100-continue, dot-segments in Location, limits, and shutdown with clients mid-request.
#include <catch2/catch.hpp>

#include <signal.h>

#include <boost/json.hpp>
#include <thread>

#include "server_process.hpp"
#include "taskcore/domain/uuid.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "conformance-secret-with-more-than-32-bytes";

std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) {
    extra.emplace("BETTER_AUTH_SECRET", kSecret);
    extra.emplace("LOG_LEVEL", "info");
    return extra;
}

std::string token(const std::string& user) {
    return test_token(user, kSecret);
}

std::string status_line(const std::string& raw) {
    return raw.substr(0, raw.find("\r\n"));
}

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

constexpr std::chrono::seconds kWait{3};

}  // namespace

TEST_CASE("HEAD has the GET's headers and no body, so the next response stays intact") {
    ServerProcess server(env());
    HttpClient client(server.port());
    client.send_raw(
        "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"
        "HEAD /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const auto raw = client.read_raw(kWait);
    INFO(raw);
    REQUIRE(count(raw, "HTTP/1.1 ") == 3);
    const auto first_end = raw.find("\r\n\r\n") + 4;
    const auto second_end = raw.find("\r\n\r\n", first_end) + 4;
    CHECK(status_line(raw) == "HTTP/1.1 200 OK");
    CHECK(raw.substr(first_end).starts_with("HTTP/1.1 404"));  // nothing between: no body
    CHECK(raw.substr(second_end).starts_with("HTTP/1.1 200 OK"));
    const auto body = raw.substr(raw.find("\r\n\r\n", second_end) + 4);
    CHECK(boost::json::parse(body).at("status") == "healthy");
    // The HEAD's Content-Length is the GET's.
    const auto cl = raw.find("Content-Length: ");
    CHECK(std::stoul(raw.substr(cl + 16)) == body.size());
}

TEST_CASE("a Transfer-Encoding not ending in chunked is 400 and closes (no smuggling)") {
    ServerProcess server(env());
    for (const std::string coding : {"gzip", "xchunked", "chunked, gzip"}) {
        INFO(coding);
        HttpClient client(server.port());
        // Were the encoding ignored, the "body" would be read as a second request.
        client.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding +
                        "\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        const auto raw = client.read_raw(kWait);
        CHECK(status_line(raw) == "HTTP/1.1 400 Bad Request");
        CHECK(raw.find("BAD_REQUEST") != std::string::npos);
        CHECK(count(raw, "HTTP/1.1 ") == 1);
    }
    HttpClient both(server.port());
    both.send_raw(
        "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n"
        "\r\n0\r\n\r\n");
    CHECK(status_line(both.read_raw(kWait)) == "HTTP/1.1 400 Bad Request");
}

TEST_CASE("a request without exactly one Host header is 400") {
    ServerProcess server(env());
    for (const std::string headers : {"", "Host: a\r\nHost: b\r\n"}) {
        HttpClient client(server.port());
        client.send_raw("GET /health HTTP/1.1\r\n" + headers + "\r\n");
        const auto raw = client.read_raw(kWait);
        INFO(raw);
        CHECK(status_line(raw) == "HTTP/1.1 400 Bad Request");
    }
    HttpClient ok(server.port());
    ok.send_raw("GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    CHECK(status_line(ok.read_raw(kWait)) == "HTTP/1.1 200 OK");
}

TEST_CASE("Expect: 100-continue is answered at once, then the request completes") {
    ServerProcess server(env());
    const std::string u = "conf-" + generate_uuid_v7().to_string();
    const std::string body = R"({"title":"after continue"})";
    HttpClient client(server.port());
    client.send_raw("POST /api/" + u +
                    "/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Authorization: Bearer " +
                    token(u) + "\r\nExpect: 100-continue\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n");
    const auto start = std::chrono::steady_clock::now();
    const auto interim = client.read_raw(std::chrono::milliseconds{500}, "\r\n\r\n");
    CHECK(interim.starts_with("HTTP/1.1 100 Continue\r\n"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds{600});
    client.send_raw(body);
    CHECK(client.read_response().result() == http::status::created);

    // Headers that already decide the answer get it instead of 100.
    HttpClient big(server.port());
    big.send_raw("POST /api/" + u + "/tasks HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n" +
                 "Content-Length: 10000000\r\n\r\n");
    CHECK(status_line(big.read_raw(kWait)) == "HTTP/1.1 413 Payload Too Large");
}

TEST_CASE("a user id '..' never yields a dot-segment in Location") {
    ServerProcess server(env());
    HttpClient client(server.port());
    const auto res =
        client.request(http::verb::post, "/api/%2E%2E/tasks", token(".."), R"({"title":"x"})");
    REQUIRE(res.result() == http::status::created);
    CHECK(std::string(res.at(http::field::location)).starts_with("/api/%2E%2E/tasks/"));
}

TEST_CASE("half-sent and non-reading clients past the shutdown grace: clean exit, no reply") {
    ServerProcess server(env({{"SHUTDOWN_GRACE_SECONDS", "1"}}));
    const std::string u = "conf-" + generate_uuid_v7().to_string();
    HttpClient stuck(server.port());
    // Headers promise a body that never comes: the request stays in progress.
    stuck.send_raw("POST /api/" + u +
                   "/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Authorization: Bearer " +
                   token(u) + "\r\nContent-Length: 100\r\n\r\n{\"title\":");
    HttpClient idle(server.port());
    CHECK(idle.request(http::verb::get, "/health").result() == http::status::ok);
    // A client that pipelines requests and never reads: the server's writes stall on a full
    // socket buffer, so only the grace deadline ends that connection.
    HttpClient deaf(server.port(), std::chrono::seconds{5});
    std::string many;
    for (int i = 0; i < 20000; ++i) many += "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    std::thread flood([&] {
        try {
            deaf.send_raw(many);
        } catch (const std::exception&) {  // the server stops reading, then closes: expected
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
    const auto stopping = std::chrono::steady_clock::now();
    CHECK(server.stop(SIGTERM) == 0);  // was: abort with "double free" (exit 134)
    CHECK(std::chrono::steady_clock::now() - stopping < std::chrono::seconds{4});
    flood.join();
    CHECK(server.log().find("shut down cleanly") != std::string::npos);
    // And the half-sent request was never executed.
    ServerProcess again(env(), server.database_url());
    HttpClient check(again.port());
    const auto list = check.request(http::verb::get, "/api/" + u + "/tasks", token(u));
    CHECK(boost::json::parse(list.body()).at("meta").at("total") == 0);
}

TEST_CASE("SIGTERM with pipelined requests: each read request is answered or not executed") {
    ServerProcess server(env());
    const std::string u = "conf-" + generate_uuid_v7().to_string();
    std::vector<std::unique_ptr<HttpClient>> clients;
    std::string batch;
    for (int i = 0; i < 5; ++i) {
        const std::string body = R"({"title":")" + std::to_string(i) + "\"}";
        batch += "POST /api/" + u +
                 "/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Authorization: Bearer " +
                 token(u) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                 body;
    }
    for (int c = 0; c < 8; ++c) clients.push_back(std::make_unique<HttpClient>(server.port()));
    for (auto& c : clients) c->send_raw(batch);
    std::thread stopper([&] { CHECK(server.stop(SIGTERM) == 0); });
    std::size_t answered = 0;
    for (auto& c : clients) answered += count(c->read_raw(kWait), "HTTP/1.1 201");
    stopper.join();
    ServerProcess again(env(), server.database_url());
    HttpClient check(again.port());
    const auto list = check.request(http::verb::get, "/api/" + u + "/tasks?limit=200", token(u));
    // Every 201 is stored, and nothing was stored without its 201.
    CHECK(boost::json::parse(list.body()).at("meta").at("total").as_int64() ==
          static_cast<std::int64_t>(answered));
}

TEST_CASE("out of file descriptors: the acceptor backs off, warns rarely, counts, recovers") {
    ServerProcess server(env({{"TASKCORE_TEST_NOFILE", "64"}}));
    std::vector<std::unique_ptr<HttpClient>> flood;
    for (int i = 0; i < 100; ++i) flood.push_back(std::make_unique<HttpClient>(server.port()));
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    const auto log = server.log();
    // Was: ~190,000 "accept failed" lines a second and 41 % of a core.
    const auto warnings = count(log, "accept failed");
    CHECK(warnings >= 1);
    CHECK(warnings <= 4);
    flood.clear();  // free the descriptors: the server must serve again without a restart
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
    HttpClient fresh(server.port());
    CHECK(fresh.request(http::verb::get, "/health").result() == http::status::ok);
    const auto metrics = fresh.request(http::verb::get, "/metrics").body();
    const auto at = metrics.find("\ntaskcore_accept_failures_total ");
    REQUIRE(at != std::string::npos);
    CHECK(std::stoul(metrics.substr(at + 32)) > 0);
}
