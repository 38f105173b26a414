// The Server-Sent Events stream over the real binary: live delivery in seq order, resume with
// Last-Event-ID, heartbeats past the idle timeout, per-user limits and isolation, the end at
// the token's exp and at shutdown.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <csignal>
#include <cstdlib>
#include <optional>
#include <regex>
#include <thread>

#include "server_process.hpp"
#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/domain/uuid.hpp"
#include "taskcore/service/event_tickets.hpp"

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

namespace {

std::string ticket_for(HttpClient& c, const std::string& user, const std::string& token) {
    const auto res = c.request(http::verb::post, "/api/" + user + "/events/ticket", token);
    REQUIRE(res.result() == http::status::ok);
    CHECK(res[http::field::cache_control] == "no-store");
    const auto data = boost::json::parse(res.body()).at("data");
    CHECK(data.at("expires_in") == 30);
    return std::string(data.at("ticket").as_string());
}

// GET .../events?ticket=... without any Authorization header, as EventSource sends it.
std::string open_with_ticket(const std::string& user, const std::string& ticket) {
    return "GET /api/" + user + "/events?ticket=" + ticket +
           " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";
}

HttpResponse refused_with_ticket(unsigned short port, const std::string& user,
                                 const std::string& ticket) {
    HttpClient c(port);
    c.send_raw(open_with_ticket(user, ticket));
    return c.read_response();
}

}  // namespace

TEST_CASE("a one-time ticket opens the stream without a header, once, for its user only") {
    ServerProcess server(env());
    const auto alice = fresh_user(), bob = fresh_user();
    const auto alice_token = test_token(alice, kSecret);
    HttpClient api(server.port());
    const auto ticket = ticket_for(api, alice, alice_token);

    // Another user's path: 403, and the ticket is not used up by it.
    const auto wrong_user = refused_with_ticket(server.port(), bob, ticket);
    CHECK(wrong_user.result() == http::status::forbidden);

    HttpClient stream(server.port());
    stream.send_raw(open_with_ticket(alice, ticket));
    CHECK(stream.read_raw(std::chrono::seconds{5}, "event: ready").find("event: ready") !=
          std::string::npos);
    create(api, alice, alice_token);
    CHECK(stream.read_raw(std::chrono::seconds{5}, "id: 1\n").find("id: 1\n") != std::string::npos);

    const auto used = refused_with_ticket(server.port(), alice, ticket);
    CHECK(used.result() == http::status::unauthorized);
    CHECK(boost::json::parse(used.body()).at("error").at("message") ==
          "ticket already used; ask for a new one");
    CHECK(std::string(used[http::field::www_authenticate])
              .starts_with("Bearer error=\"invalid_token\""));

    // Not a ticket: a bearer token, a forged one, garbage; and a ticket is no bearer token.
    CHECK(refused_with_ticket(server.port(), alice, alice_token).result() ==
          http::status::unauthorized);
    auto forged = ticket_for(api, alice, alice_token);
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    CHECK(refused_with_ticket(server.port(), alice, forged).result() == http::status::unauthorized);
    CHECK(refused_with_ticket(server.port(), alice, "not-a-ticket").result() ==
          http::status::unauthorized);
    CHECK(api.request(http::verb::get, "/api/" + alice + "/tasks",
                      ticket_for(api, alice, alice_token))
              .result() == http::status::unauthorized);
    // The ticket never reaches the log.
    CHECK(server.log().find(ticket) == std::string::npos);
}

TEST_CASE("an expired ticket is 401, and a ticket's stream ends at its token's exp") {
    ServerProcess server(env());
    const auto user = fresh_user();
    const auto an_hour_ago = [] {
        return std::chrono::system_clock::now() - std::chrono::hours{1};
    };
    const EventTickets old_issuer(ticket_key_from(kSecret), an_hour_ago);
    const auto expired = old_issuer.issue(user, std::chrono::system_clock::now()).ticket;
    const auto res = refused_with_ticket(server.port(), user, expired);
    CHECK(res.result() == http::status::unauthorized);
    CHECK(boost::json::parse(res.body()).at("error").at("message") ==
          "ticket expired; ask for a new one");

    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto short_lived =
        sign_hs256(boost::json::object{{"sub", user}, {"iat", now}, {"exp", now + 2}}, kSecret);
    HttpClient api(server.port());
    HttpClient stream(server.port());
    stream.send_raw(open_with_ticket(user, ticket_for(api, user, short_lived)));
    const auto raw = stream.read_raw(std::chrono::seconds{8}, "0\r\n\r\n");
    CHECK(raw.find("event: ready") != std::string::npos);
    CHECK(raw.find("event: token-expired") != std::string::npos);
}

TEST_CASE("1000 idle streams on one instance stay open past IDLE_TIMEOUT_SECONDS") {
    constexpr int kStreams = 1000;
    constexpr int kUsers = 125;  // 8 streams each: EVENTS_MAX_STREAMS_PER_USER's default
    auto vars = env({{"EVENTS_HEARTBEAT_SECONDS", "2"}, {"IDLE_TIMEOUT_SECONDS", "3"}});
    // Under AddressSanitizer the RSS also holds its quarantine of freed blocks (256 MB by
    // default), which fills with what the 1000 opens allocated and freed; a small one keeps the
    // bound below about what the streams hold.
    if (const char* asan = std::getenv("ASAN_OPTIONS"); asan != nullptr) {
        vars["ASAN_OPTIONS"] = std::string(asan) + ":quarantine_size_mb=4";
    }
    ServerProcess server(vars);
    const auto rss_before = resident_kb(server.pid());
    std::vector<std::string> users;
    users.reserve(kUsers);
    for (int u = 0; u < kUsers; ++u) users.push_back(fresh_user());
    std::vector<std::unique_ptr<HttpClient>> streams;
    streams.reserve(kStreams);
    for (int i = 0; i < kStreams; ++i) {
        const auto& user = users[static_cast<std::size_t>(i % kUsers)];
        streams.push_back(std::make_unique<HttpClient>(server.port()));
        streams.back()->send_raw(open_request(user, test_token(user, kSecret)));
    }
    int ready = 0;
    for (auto& s : streams) {
        ready += s->read_raw(std::chrono::seconds{10}, "event: ready").find("event: ready") !=
                 std::string::npos;
    }
    REQUIRE(ready == kStreams);
    const auto rss_open = resident_kb(server.pid());

    // A newcomer's /health while they are all open.
    std::vector<double> health_ms;
    HttpClient probe(server.port());
    for (int i = 0; i < 50; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        REQUIRE(probe.request(http::verb::get, "/health").result() == http::status::ok);
        health_ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
    }
    std::sort(health_ms.begin(), health_ms.end());

    // Past the idle timeout, every stream still gets heartbeats and then its user's next write.
    std::this_thread::sleep_for(std::chrono::seconds{4});
    int alive = 0;
    for (auto& s : streams) {
        alive += s->read_raw(std::chrono::seconds{5}, ": heartbeat\n\n").find(": heartbeat") !=
                 std::string::npos;
    }
    CHECK(alive == kStreams);
    HttpClient writer(server.port());
    create(writer, users[0], test_token(users[0], kSecret));
    int delivered = 0;
    for (int i = 0; i < kStreams; i += kUsers) {
        delivered += streams[static_cast<std::size_t>(i)]
                         ->read_raw(std::chrono::seconds{5}, "id: 1\n")
                         .find("id: 1\n") != std::string::npos;
    }
    CHECK(delivered == kStreams / kUsers);
    WARN("1000 idle streams: server RSS "
         << rss_before << " kB before, " << rss_open << " kB with them open ("
         << (rss_open - rss_before) * 1024 / kStreams
         << " B per stream); a new client's /health p50 " << health_ms[25] << " ms, p99 "
         << health_ms[49] << " ms");
    CHECK(rss_open - rss_before < 64L * 1024);  // at most 64 kB per stream
}
