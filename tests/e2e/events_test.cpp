// The Server-Sent Events stream over the real binary: live delivery in seq order, resume with
// Last-Event-ID, heartbeats past the idle timeout, per-user limits and isolation, the end at
// the token's exp and at shutdown.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <csignal>
#include <optional>
#include <regex>
#include <thread>

#include "server_process.hpp"
#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/domain/uuid.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "events-secret-with-more-than-thirty-two-bytes";

std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) {
    extra.emplace("BETTER_AUTH_SECRET", kSecret);
    return extra;
}

std::string fresh_user() {
    return "events-" + generate_uuid_v7().to_string();
}

std::string open_request(const std::string& user, const std::string& token,
                         const std::string& extra_headers = "") {
    return "GET /api/" + user + "/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
           "\r\n" + extra_headers + "\r\n";
}

// The (id, event) pairs of the stream's events, in order.
std::vector<std::pair<std::int64_t, std::string>> events_in(const std::string& raw) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    static const std::regex kEvent("id: ([0-9]+)\nevent: ([a-z.]+)\ndata: ");
    for (std::sregex_iterator it(raw.begin(), raw.end(), kEvent), end; it != end; ++it) {
        out.emplace_back(std::stoll((*it)[1]), (*it)[2]);
    }
    return out;
}

// Everything the stream sends up to and including the event with `seq` (its blank line too).
std::string read_through(HttpClient& stream, std::int64_t seq) {
    const std::string id = "id: " + std::to_string(seq) + "\n";
    auto raw = stream.read_raw(std::chrono::seconds{5}, id);
    const auto at = raw.find(id);
    if (at != std::string::npos && raw.find("\n\n", at) == std::string::npos) {
        raw += stream.read_raw(std::chrono::seconds{5}, "\n\n");
    }
    return raw;
}

std::string create(HttpClient& c, const std::string& user, const std::string& token) {
    const auto res =
        c.request(http::verb::post, "/api/" + user + "/tasks", token, R"({"title":"live"})");
    REQUIRE(res.result() == http::status::created);
    return std::string(boost::json::parse(res.body()).at("data").at("id").as_string());
}

}  // namespace

TEST_CASE("a stream starts with ready, then carries each write live, in seq order") {
    ServerProcess server(env());
    const auto user = fresh_user();
    const auto token = test_token(user, kSecret);
    HttpClient stream(server.port());
    stream.send_raw(open_request(user, token));
    const auto head =
        stream.read_raw(std::chrono::seconds{5}, "event: ready\ndata: {\"seq\":0}\n\n");
    CHECK(head.find("HTTP/1.1 200 OK") == 0);
    CHECK(head.find("Content-Type: text/event-stream") != std::string::npos);
    CHECK(head.find("Transfer-Encoding: chunked") != std::string::npos);
    CHECK(head.find("X-Accel-Buffering: no") != std::string::npos);
    CHECK(head.find("retry: 3000") != std::string::npos);

    HttpClient writer(server.port());
    const auto started = std::chrono::steady_clock::now();
    const auto id = create(writer, user, token);
    REQUIRE(writer.request(http::verb::patch, "/api/" + user + "/tasks/" + id + "/complete", token)
                .result() == http::status::ok);
    REQUIRE(writer.request(http::verb::delete_, "/api/" + user + "/tasks/" + id, token).result() ==
            http::status::ok);
    const auto raw = read_through(stream, 3);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{1});
    const auto events = events_in(raw);
    CHECK(events == std::vector<std::pair<std::int64_t, std::string>>{
                        {1, "task.created"}, {2, "task.updated"}, {3, "task.deleted"}});
    CHECK(raw.find(R"("data":{"id":")" + id + R"(","deleted":true})") != std::string::npos);
}

TEST_CASE("Last-Event-ID resumes right after that seq and a position past the log is 410") {
    ServerProcess server(env());
    const auto user = fresh_user();
    const auto token = test_token(user, kSecret);
    HttpClient writer(server.port());
    for (int i = 0; i < 3; ++i) create(writer, user, token);

    HttpClient stream(server.port());
    stream.send_raw(open_request(user, token, "Last-Event-ID: 1\r\n"));
    const auto raw = read_through(stream, 3);
    CHECK(raw.find("event: ready") == std::string::npos);
    CHECK(events_in(raw) == std::vector<std::pair<std::int64_t, std::string>>{{2, "task.created"},
                                                                              {3, "task.created"}});

    HttpClient late(server.port());
    const auto gone = late.request(http::verb::get, "/api/" + user + "/events?since=9", token);
    CHECK(gone.result() == http::status::gone);
    CHECK(boost::json::parse(gone.body()).at("error").at("code") == "RESYNC_REQUIRED");
    const auto bad = late.request(http::verb::get, "/api/" + user + "/events", token, "",
                                  {{"Last-Event-ID", "three"}});
    CHECK(bad.result() == http::status::unprocessable_entity);
}

TEST_CASE("heartbeats keep an idle stream open past IDLE_TIMEOUT_SECONDS") {
    ServerProcess server(env({{"EVENTS_HEARTBEAT_SECONDS", "1"}, {"IDLE_TIMEOUT_SECONDS", "2"}}));
    const auto user = fresh_user();
    const auto token = test_token(user, kSecret);
    HttpClient stream(server.port());
    stream.send_raw(open_request(user, token));
    stream.read_raw(std::chrono::seconds{5}, "event: ready");
    std::string idle;
    for (int i = 0; i < 4; ++i) idle += stream.read_raw(std::chrono::seconds{3}, ": heartbeat\n\n");
    CHECK(idle.find(": heartbeat") != std::string::npos);
    HttpClient writer(server.port());
    create(writer, user, token);
    CHECK(stream.read_raw(std::chrono::seconds{5}, "id: 1\n").find("id: 1\n") != std::string::npos);
}

TEST_CASE("streams are per user: limits, isolation and no access to another user's stream") {
    ServerProcess server(env({{"EVENTS_MAX_STREAMS_PER_USER", "2"}}));
    const auto alice = fresh_user(), bob = fresh_user();
    const auto alice_token = test_token(alice, kSecret), bob_token = test_token(bob, kSecret);
    HttpClient first(server.port());
    std::optional<HttpClient> second(std::in_place, server.port());
    first.send_raw(open_request(alice, alice_token));
    second->send_raw(open_request(alice, alice_token));
    first.read_raw(std::chrono::seconds{5}, "event: ready");
    second->read_raw(std::chrono::seconds{5}, "event: ready");
    HttpClient third(server.port());
    const auto refused = third.request(http::verb::get, "/api/" + alice + "/events", alice_token);
    CHECK(refused.result() == http::status::too_many_requests);
    CHECK(boost::json::parse(refused.body()).at("error").at("code") == "RATE_LIMITED");
    HttpClient other(server.port());
    CHECK(other.request(http::verb::get, "/api/" + alice + "/events", bob_token).result() ==
          http::status::forbidden);

    // Bob's writes never reach Alice's streams; hers do.
    HttpClient writer(server.port());
    create(writer, bob, bob_token);
    const auto alice_id = create(writer, alice, alice_token);
    const auto raw = read_through(first, 1);
    CHECK(events_in(raw).size() == 1);
    CHECK(raw.find(alice_id) != std::string::npos);
    CHECK(raw.find(bob) == std::string::npos);

    // A closed stream frees its place.
    second.reset();  // drops the connection
    bool reopened = false;
    for (int i = 0; i < 50 && !reopened; ++i) {
        HttpClient again(server.port());
        again.send_raw(open_request(alice, alice_token));
        reopened =
            again.read_raw(std::chrono::seconds{2}, "\r\n\r\n").find("200 OK") != std::string::npos;
        if (!reopened) std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    CHECK(reopened);
}

TEST_CASE("a stream ends with token-expired at the token's exp, and at shutdown") {
    ServerProcess server(env());
    const auto user = fresh_user();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto short_lived =
        sign_hs256(boost::json::object{{"sub", user}, {"iat", now}, {"exp", now + 2}}, kSecret);
    HttpClient expiring(server.port());
    expiring.send_raw(open_request(user, short_lived));
    const auto raw = expiring.read_raw(std::chrono::seconds{8}, "0\r\n\r\n");
    CHECK(raw.find("event: token-expired") != std::string::npos);
    CHECK(raw.find("0\r\n\r\n") != std::string::npos);  // the chunked body's end
    CHECK(expiring.closed_by_peer(std::chrono::seconds{2}));

    HttpClient open(server.port());
    open.send_raw(open_request(user, test_token(user, kSecret)));
    open.read_raw(std::chrono::seconds{5}, "event: ready");
    std::thread stopper([&] { CHECK(server.stop(SIGTERM) == 0); });
    const auto end = open.read_raw(std::chrono::seconds{8}, "0\r\n\r\n");
    CHECK(end.find("0\r\n\r\n") != std::string::npos);
    stopper.join();
}
