// The HTTP concurrency checks shared by the single-server and multi-instance suites.
#include "concurrency_checks.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "server_process.hpp"
#include "taskcore/domain/time.hpp"
#include "taskcore/domain/uuid.hpp"

namespace taskcore::testing {
namespace {

std::string fresh_user() {
    return "concurrency-" + generate_uuid_v7().to_string();
}

boost::json::value data_of(const HttpResponse& response) {
    return boost::json::parse(response.body()).at("data");
}

std::string create_task(HttpClient& client, const std::string& user, const std::string& token) {
    const auto created =
        client.request(http::verb::post, "/api/" + user + "/tasks", token, R"({"title":"t"})");
    REQUIRE(created.result() == http::status::created);
    return std::string(data_of(created).at("id").as_string());
}

std::int64_t updated_at_ms(const HttpResponse& response) {
    REQUIRE(response.result() == http::status::ok);
    const auto parsed = parse_rfc3339(std::string(data_of(response).at("updated_at").as_string()));
    REQUIRE(parsed);
    return to_unix_ms(*parsed);
}

template <typename F>
void in_parallel(int clients, F body) {
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(clients));
    for (int i = 0; i < clients; ++i) threads.emplace_back([&body, i] { body(i); });
    for (auto& t : threads) t.join();
}

}  // namespace

void check_no_lost_toggle(unsigned short port, const std::string& secret, int clients, int each) {
    const auto user = fresh_user();
    const auto token = test_token(user, secret);
    HttpClient setup(port);
    const auto id = create_task(setup, user, token);
    std::atomic<int> ok{0};
    in_parallel(clients, [&](int) {
        HttpClient c(port);
        for (int j = 0; j < each; ++j) {
            const auto r =
                c.request(http::verb::patch, "/api/" + user + "/tasks/" + id + "/complete", token);
            if (r.result() == http::status::ok) ++ok;
        }
    });
    CHECK(ok == clients * each);
    const auto final_task = setup.request(http::verb::get, "/api/" + user + "/tasks/" + id, token);
    CHECK(data_of(final_task).at("completed").as_bool() == ((clients * each) % 2 == 1));
}

void check_one_delete_winner(unsigned short port, const std::string& secret, int clients) {
    const auto user = fresh_user();
    const auto token = test_token(user, secret);
    HttpClient setup(port);
    const auto id = create_task(setup, user, token);
    std::atomic<int> ok{0};
    std::atomic<int> not_found{0};
    in_parallel(clients, [&](int) {
        HttpClient c(port);
        const auto r = c.request(http::verb::delete_, "/api/" + user + "/tasks/" + id, token);
        if (r.result() == http::status::ok) ++ok;
        if (r.result() == http::status::not_found) ++not_found;
    });
    CHECK(ok == 1);
    CHECK(not_found == clients - 1);
}

void check_updated_at_monotonic(unsigned short port, const std::string& secret, int clients) {
    const auto user = fresh_user();
    const auto token = test_token(user, secret);
    HttpClient setup(port);
    const auto id = create_task(setup, user, token);
    const auto target = "/api/" + user + "/tasks/" + id;
    std::int64_t previous = 0;
    for (int i = 0; i < 3 * clients; ++i) {
        const auto t =
            updated_at_ms(setup.request(http::verb::patch, target, token,
                                        R"({"description":"step )" + std::to_string(i) + "\"}"));
        CHECK(t >= previous);
        previous = t;
    }
    std::mutex m;
    std::int64_t largest = previous;
    in_parallel(clients, [&](int k) {
        HttpClient c(port);
        for (int j = 0; j < 5; ++j) {
            const auto r = c.request(http::verb::patch, target, token,
                                     R"({"title":"writer )" + std::to_string(k) + "\"}");
            const auto t = updated_at_ms(r);
            const std::lock_guard lock(m);
            CHECK(t >= previous);
            largest = std::max(largest, t);
        }
    });
    CHECK(updated_at_ms(setup.request(http::verb::get, target, token)) == largest);
}

void check_list_totals_consistent(unsigned short port, const std::string& secret, int clients) {
    const auto user = fresh_user();
    const auto token = test_token(user, secret);
    constexpr std::size_t kCreates = 8;
    constexpr std::size_t kDeletes = 3;
    constexpr std::size_t kCompletes = 2;
    in_parallel(clients, [&](int) {
        HttpClient c(port);
        std::vector<std::string> ids;
        for (std::size_t j = 0; j < kCreates; ++j) ids.push_back(create_task(c, user, token));
        for (std::size_t j = 0; j < kDeletes; ++j) {
            CHECK(c.request(http::verb::delete_, "/api/" + user + "/tasks/" + ids[j], token)
                      .result() == http::status::ok);
        }
        for (std::size_t j = kDeletes; j < kDeletes + kCompletes; ++j) {
            CHECK(c.request(http::verb::patch, "/api/" + user + "/tasks/" + ids[j] + "/complete",
                            token)
                      .result() == http::status::ok);
        }
    });
    HttpClient reader(port);
    const auto expect_total = [&](const std::string& query, int expected) {
        const auto r =
            reader.request(http::verb::get, "/api/" + user + "/tasks?limit=100" + query, token);
        REQUIRE(r.result() == http::status::ok);
        const auto body = boost::json::parse(r.body());
        INFO(query);
        CHECK(body.at("meta").at("total").to_number<int>() == expected);
        CHECK(static_cast<int>(body.at("data").as_array().size()) == expected);
    };
    const auto per_client = [&](std::size_t n) { return clients * static_cast<int>(n); };
    expect_total("", per_client(kCreates - kDeletes));
    expect_total("&status=completed", per_client(kCompletes));
    expect_total("&status=pending", per_client(kCreates - kDeletes - kCompletes));
}

void check_if_match_race(unsigned short port, const std::string& secret, int trials) {
    const auto user = fresh_user();
    const auto token = test_token(user, secret);
    HttpClient setup(port);
    HttpClient first(port);
    HttpClient second(port);
    for (int trial = 0; trial < trials; ++trial) {
        const auto created =
            setup.request(http::verb::post, "/api/" + user + "/tasks", token, R"({"title":"t"})");
        REQUIRE(created.result() == http::status::created);
        const std::string etag(created[http::field::etag]);
        REQUIRE(etag.starts_with("\""));
        const auto target =
            "/api/" + user + "/tasks/" + std::string(data_of(created).at("id").as_string());
        std::latch start(2);
        HttpResponse answers[2];
        auto race = [&](HttpClient& c, int i) {
            start.arrive_and_wait();
            answers[i] = c.request(http::verb::patch, target, token,
                                   R"({"title":"writer )" + std::to_string(i) + R"("})",
                                   {{"If-Match", etag}});
        };
        std::thread a([&] { race(first, 0); });
        std::thread b([&] { race(second, 1); });
        a.join();
        b.join();
        const int winner = answers[0].result() == http::status::ok ? 0 : 1;
        INFO("trial " << trial << ": " << answers[0].result_int() << ", "
                      << answers[1].result_int());
        REQUIRE(answers[winner].result() == http::status::ok);
        REQUIRE(answers[1 - winner].result() == http::status::precondition_failed);
        // The loser learns the winner's version, and the stored title is the winner's.
        CHECK(answers[1 - winner][http::field::etag] == answers[winner][http::field::etag]);
        CHECK(answers[winner][http::field::etag] != etag);
        const auto stored = setup.request(http::verb::get, target, token);
        CHECK(data_of(stored).at("title").as_string() == "writer " + std::to_string(winner));
    }
}

void check_cursor_walk_under_writes(unsigned short port, const std::string& secret, int stable) {
    const auto user = fresh_user();
    const auto token = test_token(user, secret);
    const auto tasks = "/api/" + user + "/tasks";
    std::set<std::string> stable_ids;
    {
        HttpClient setup(port);
        for (int i = 0; i < stable; ++i) stable_ids.insert(create_task(setup, user, token));
    }
    std::atomic<bool> done{false};
    std::atomic<int> created{0};
    std::atomic<int> deleted{0};
    std::thread writer([&] {
        HttpClient c(port);
        while (!done) {
            const auto id = create_task(c, user, token);
            ++created;
            const auto gone = c.request(http::verb::delete_, tasks + "/" + id, token);
            if (gone.result() == http::status::ok) ++deleted;
        }
    });
    HttpClient reader(port);
    std::map<std::string, int> seen;
    std::string target = tasks + "?limit=200";
    int pages = 0;
    while (!target.empty() && pages < 1000) {
        ++pages;
        const auto page = reader.request(http::verb::get, target, token);
        REQUIRE(page.result() == http::status::ok);
        const auto data = data_of(page);
        for (const auto& t : data.as_array()) ++seen[std::string(t.at("id").as_string())];
        const std::string link(page[http::field::link]);
        target = link.empty() ? "" : link.substr(1, link.find('>') - 1);
    }
    done = true;
    writer.join();
    int stable_seen = 0;
    int repeated = 0;
    for (const auto& [id, count] : seen) {
        if (count > 1) ++repeated;
        if (stable_ids.count(id) > 0) ++stable_seen;
    }
    INFO(pages << " pages; " << created.load() << " created, " << deleted.load()
               << " deleted meanwhile");
    CHECK(repeated == 0);
    CHECK(stable_seen == stable);
    CHECK(pages >= stable / 200);
    CHECK(created > 0);
}

void check_change_log_exactly_once(unsigned short port, const std::string& secret, int clients,
                                   int each) {
    const auto user = fresh_user();
    const auto token = test_token(user, secret);
    std::atomic<int> acknowledged{0};
    in_parallel(clients, [&](int) {
        HttpClient c(port);
        for (int j = 0; j < each; ++j) {
            const auto id = create_task(c, user, token);
            const auto base = "/api/" + user + "/tasks/" + id;
            const auto toggled = c.request(http::verb::patch, base + "/complete", token);
            const auto deleted = c.request(http::verb::delete_, base, token);
            CHECK(toggled.result() == http::status::ok);
            CHECK(deleted.result() == http::status::ok);
            acknowledged += 1 + (toggled.result() == http::status::ok ? 1 : 0) +
                            (deleted.result() == http::status::ok ? 1 : 0);
        }
    });
    HttpClient reader(port);
    std::vector<boost::json::value> entries;
    std::int64_t since = 0;
    for (bool more = true; more;) {
        const auto page = reader.request(
            http::verb::get, "/api/" + user + "/changes?limit=200&since=" + std::to_string(since),
            token);
        REQUIRE(page.result() == http::status::ok);
        const auto body = boost::json::parse(page.body());
        for (const auto& e : body.at("data").as_array()) entries.push_back(e);
        since = body.at("meta").at("next_since").as_int64();
        more = body.at("meta").at("has_more").as_bool();
    }
    REQUIRE(entries.size() == static_cast<std::size_t>(acknowledged.load()));
    CHECK(acknowledged == 3 * clients * each);
    std::map<std::string, std::string> last_op;  // task id -> its latest op seen
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        CHECK(e.at("seq") == i + 1);
        CHECK(e.at("data").at("deleted") == true);
        const std::string id(e.at("id").as_string());
        const std::string op(e.at("op").as_string());
        auto& previous = last_op[id];
        const std::string expected_before =
            op == "created" ? "" : (op == "updated" ? "created" : "updated");
        CAPTURE(id, op, previous);
        CHECK(previous == expected_before);
        previous = op;
    }
    CHECK(last_op.size() == static_cast<std::size_t>(clients * each));
}

}  // namespace taskcore::testing
