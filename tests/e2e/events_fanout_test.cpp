// Live updates across instances on one PostgreSQL behind haproxy: a stream on one instance
// carries writes made through another (woken by NOTIFY, not by heartbeats: they are 30 s apart
// here), exactly once through an instance's SIGKILL and through the loss of the listener
// connection, and tickets work on any instance, once.
#include <catch2/catch.hpp>

#include <signal.h>

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <numeric>
#include <thread>

#include "deployment.hpp"
#include "sse_follower.hpp"
#include "taskcore/domain/uuid.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "fanout-secret-with-more-than-thirty-two-bytes";
// Longer than every deadline below: only a NOTIFY wake-up can deliver in time.
const std::map<std::string, std::string> kEnv{{"BETTER_AUTH_SECRET", kSecret},
                                              {"EVENTS_HEARTBEAT_SECONDS", "30"},
                                              {"EVENTS_MAX_STREAMS_PER_USER", "50"}};

std::string fresh_user() {
    return "fanout-" + generate_uuid_v7().to_string();
}

std::vector<std::int64_t> one_to(std::int64_t n) {
    std::vector<std::int64_t> out(static_cast<std::size_t>(n));
    std::iota(out.begin(), out.end(), 1);
    return out;
}

// Where `seqs` first departs from 1..n, for the failure message ("" when it does not).
std::string departure(const std::vector<std::int64_t>& seqs, std::int64_t n) {
    const auto expected = one_to(n);
    const auto [got, want] =
        std::mismatch(seqs.begin(), seqs.end(), expected.begin(), expected.end());
    if (got == seqs.end() && want == expected.end()) return "";
    const auto at = got - seqs.begin();
    std::string out = std::to_string(seqs.size()) + " seqs for a log of " + std::to_string(n) +
                      "; from position " + std::to_string(at) + ":";
    for (auto it = got; it != seqs.end() && it - got < 8; ++it) out += " " + std::to_string(*it);
    return out;
}

// Creates a task; its id, or empty when the write was not acknowledged.
std::string create(HttpClient& c, const std::string& user, const std::string& token,
                   const std::string& title) {
    const auto res = c.request(http::verb::post, "/api/" + user + "/tasks", token,
                               R"({"title":")" + title + R"("})");
    if (res.result() != http::status::created) return {};
    return std::string(boost::json::parse(res.body()).at("data").at("id").as_string());
}

// The user's latest seq, after checking the changes feed holds exactly 1..latest.
std::int64_t feed_latest(unsigned short port, const std::string& user, const std::string& token) {
    HttpClient c(port);
    std::int64_t since = 0;
    std::int64_t latest = 0;
    std::vector<std::int64_t> seqs;
    for (;;) {
        const auto res =
            c.request(http::verb::get,
                      "/api/" + user + "/changes?limit=200&since=" + std::to_string(since), token);
        REQUIRE(res.result() == http::status::ok);
        const auto body = boost::json::parse(res.body());
        for (const auto& e : body.at("data").as_array()) seqs.push_back(e.at("seq").as_int64());
        latest = body.at("meta").at("latest_seq").as_int64();
        since = body.at("meta").at("next_since").as_int64();
        if (!body.at("meta").at("has_more").as_bool()) break;
    }
    CHECK(seqs == one_to(latest));
    return latest;
}

std::string mcp_add_task(const std::string& token) {
    const std::string body =
        R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_task","arguments":{"title":"via MCP"}}})";
    return "POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n"
           "Authorization: Bearer " +
           token + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Terminates the listener connections of `database`; how many there were.
int terminate_listeners(const std::string& url, const std::string& database) {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    const auto r = tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
        "'taskcore-listener' AND datname = " +
        tx.quote(database));
    return static_cast<int>(r.size());
}

int listeners(const std::string& url, const std::string& database) {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    return tx
        .exec1(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
            "'taskcore-listener' AND datname = " +
            tx.quote(database))[0]
        .as<int>();
}

}  // namespace

TEST_CASE("a stream on one instance carries every write made through another within 1 s") {
    Deployment d(2, kEnv);
    const auto a = d.instances[0]->port();
    const auto b = d.instances[1]->port();
    const auto user = fresh_user();
    const auto other = fresh_user();
    const auto token = test_token(user, kSecret);
    SseFollower stream([a] { return a; }, user, token);
    REQUIRE(stream.wait_open(std::chrono::seconds{5}));

    HttpClient writer(b);
    HttpClient noise(b);
    std::chrono::steady_clock::duration slowest{};
    std::int64_t seq = 0;
    for (int i = 0; i < 20; ++i) {
        // Another user's writes on the same instance: they must not appear in this stream.
        REQUIRE_FALSE(create(noise, other, test_token(other, kSecret), "noise").empty());
        const auto start = std::chrono::steady_clock::now();
        auto id = create(writer, user, token, "w" + std::to_string(i));
        REQUIRE_FALSE(id.empty());
        seq += 1;
        if (i % 2 == 1) {  // and a toggle of it
            const auto toggle = "/api/" + user + "/tasks/" + id.append("/complete");
            REQUIRE(writer.request(http::verb::patch, toggle, token).result() == http::status::ok);
            seq += 1;
        }
        REQUIRE(stream.wait_for(seq, std::chrono::seconds{1}));
        slowest = std::max(slowest, std::chrono::steady_clock::now() - start);
    }
    // Through MCP on the other instance too.
    writer.send_raw(mcp_add_task(token));
    REQUIRE(writer.read_response().result() == http::status::ok);
    seq += 1;
    CHECK(stream.wait_for(seq, std::chrono::seconds{1}));
    WARN("slowest cross-instance delivery: "
         << std::chrono::duration_cast<std::chrono::microseconds>(slowest).count() << " us");
    CHECK(stream.seqs() == one_to(seq));  // in order, none twice, no other user's
    CHECK(feed_latest(b, user, token) == seq);
}

TEST_CASE("tickets open a stream on any instance, once") {
    Deployment d(2, kEnv);
    const auto user = fresh_user();
    const auto token = test_token(user, kSecret);
    HttpClient a(d.instances[0]->port());
    const auto issued = a.request(http::verb::post, "/api/" + user + "/events/ticket", token);
    REQUIRE(issued.result() == http::status::ok);
    const std::string ticket(boost::json::parse(issued.body()).at("data").at("ticket").as_string());
    const auto open =
        "GET /api/" + user + "/events?ticket=" + ticket + " HTTP/1.1\r\nHost: x\r\n\r\n";
    HttpClient b(d.instances[1]->port());
    b.send_raw(open);
    CHECK(b.read_raw(std::chrono::seconds{5}, "event: ready").find("event: ready") !=
          std::string::npos);
    // Used on instance B: refused on A (the use is in the shared database).
    HttpClient again(d.instances[0]->port());
    again.send_raw(open);
    const auto refused = again.read_response();
    CHECK(refused.result() == http::status::unauthorized);
    CHECK(refused.body().find("already used") != std::string::npos);
}

namespace {

// The value of a counter series of `/metrics` text (PostgreSQL backend label); fails without it.
long long counter(const std::string& metrics_text, const std::string& name) {
    const std::string series = "\n" + name + "{backend=\"postgresql\"} ";
    const auto at = metrics_text.find(series);
    REQUIRE(at != std::string::npos);
    return std::stoll(metrics_text.substr(at + series.size()));
}

}  // namespace

TEST_CASE("exactly once: 4 writers x 500 writes, 20 streams, one instance SIGKILLed mid-run") {
    Deployment d(2, kEnv);
    const auto balancer = d.balancer->port();
    const auto user = fresh_user();
    const auto token = test_token(user, kSecret);
    std::vector<std::unique_ptr<SseFollower>> streams;
    streams.reserve(20);
    for (int i = 0; i < 20; ++i) {
        streams.push_back(
            std::make_unique<SseFollower>([balancer] { return balancer; }, user, token));
    }
    for (const auto& s : streams) REQUIRE(s->wait_open(std::chrono::seconds{10}));

    std::atomic<int> acknowledged{0};
    std::vector<std::thread> writers;
    writers.reserve(4);
    for (int w = 0; w < 4; ++w) {
        writers.emplace_back([&, w] {
            auto client = std::make_unique<HttpClient>(balancer);
            for (int i = 0; i < 500; ++i) {
                try {
                    if (!create(*client, user, token, std::to_string(w) + "-" + std::to_string(i))
                             .empty()) {
                        ++acknowledged;
                    }
                } catch (const std::exception&) {  // the killed instance's connection
                    client = std::make_unique<HttpClient>(balancer);
                }
            }
        });
    }
    while (acknowledged < 700) std::this_thread::sleep_for(std::chrono::milliseconds{5});
    REQUIRE(d.instances[0]->stop(SIGKILL) != -1);
    for (auto& t : writers) t.join();

    const auto latest = feed_latest(balancer, user, token);
    CHECK(latest >= acknowledged.load());
    CHECK(acknowledged > 1500);  // most writes went through; the ones the kill cut may not
    int reconnects = 0;
    for (const auto& s : streams) {
        CHECK(s->wait_for(latest, std::chrono::seconds{15}));
        CHECK(departure(s->seqs(), latest) == "");
        reconnects += s->reconnects();
    }
    WARN("acknowledged " << acknowledged << " of 2000, log " << latest << ", " << reconnects
                         << " stream reconnects");
    CHECK(reconnects >= 1);  // the killed instance's streams moved to the other one
}

TEST_CASE("the listener connection killed mid-run (pg_terminate_backend) loses nothing") {
    Deployment d(2, kEnv);
    const auto a = d.instances[0]->port();
    const auto user = fresh_user();
    const auto token = test_token(user, kSecret);
    SseFollower stream([a] { return a; }, user, token);
    REQUIRE(stream.wait_open(std::chrono::seconds{5}));
    REQUIRE(listeners(d.database.url(), d.database.name()) == 2);

    HttpClient writer(d.instances[1]->port());
    int written = 0;
    for (; written < 100; ++written) REQUIRE_FALSE(create(writer, user, token, "before").empty());
    REQUIRE(stream.wait_for(written, std::chrono::seconds{2}));
    // The writes right after the kill land while the listeners reconnect (100 ms backoff): the
    // writer's announcements wait for its reconnect, and the reader's re-read after its own
    // reconnect delivers them whatever the order.
    REQUIRE(terminate_listeners(d.database.url(), d.database.name()) == 2);
    for (int i = 0; i < 30; ++i, ++written) {
        REQUIRE_FALSE(create(writer, user, token, "during").empty());
    }
    CHECK(stream.wait_for(written, std::chrono::seconds{5}));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (listeners(d.database.url(), d.database.name()) < 2 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    CHECK(listeners(d.database.url(), d.database.name()) == 2);
    for (int i = 0; i < 20; ++i, ++written)
        REQUIRE_FALSE(create(writer, user, token, "after").empty());
    CHECK(stream.wait_for(written, std::chrono::seconds{2}));
    CHECK(stream.seqs() == one_to(written));
    CHECK(d.instances[0]->log().find("change listener reconnected") != std::string::npos);
    HttpClient metrics(a);
    const auto text = metrics.request(http::verb::get, "/metrics").body();
    CHECK(text.find("taskcore_change_listener_up{backend=\"postgresql\"} 1\n") !=
          std::string::npos);
    CHECK(counter(text, "taskcore_change_listener_connects_total") >= 2);
    CHECK(text.find("taskcore_event_streams{backend=\"postgresql\"} 1\n") != std::string::npos);
    // The writer's instance announced its writes (some may have gone out together, and those
    // written while its listener was down went out at its reconnect).
    HttpClient writer_metrics(d.instances[1]->port());
    const auto announced = counter(writer_metrics.request(http::verb::get, "/metrics").body(),
                                   "taskcore_change_announcements_total");
    CHECK(announced >= 3);  // before, during and after the kill
    CHECK(announced <= written);
}

TEST_CASE("an instance announces its writes, never its reads (GET or HEAD)") {
    Deployment d(1, kEnv);
    const auto port = d.instances[0]->port();
    const auto user = fresh_user();
    const auto token = test_token(user, kSecret);
    HttpClient c(port);
    auto announced = [&c] {
        return counter(c.request(http::verb::get, "/metrics").body(),
                       "taskcore_change_announcements_total");
    };
    REQUIRE_FALSE(create(c, user, token, "first").empty());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
    while (announced() < 1 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    const auto before = announced();
    REQUIRE(before >= 1);
    {
        // Raw, as the test client would wait for a HEAD's body: 5 HEADs, then 5 GETs.
        HttpClient raw(port);
        std::string requests;
        for (const char* method : {"HEAD", "GET"}) {
            for (int i = 0; i < 5; ++i) {
                requests += std::string(method) + " /api/" + user +
                            "/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                            "\r\n\r\n";
            }
        }
        raw.send_raw(requests + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const auto answers = raw.read_raw(std::chrono::seconds{3});
        std::size_t ok = 0;
        for (auto at = answers.find("HTTP/1.1 200 OK"); at != std::string::npos;
             at = answers.find("HTTP/1.1 200 OK", at + 1)) {
            ++ok;
        }
        REQUIRE(ok == 11);
    }
    REQUIRE_FALSE(create(c, user, token, "second").empty());
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
    while (announced() < before + 1 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    CHECK(announced() == before + 1);  // the second create alone: the ten reads added nothing
}
