// The database goes away under a running server: quick 503s during the outage, recovery after,
// and no acknowledged write lost when it crashes.
#include <catch2/catch.hpp>

#include <signal.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "server_process.hpp"
#include "taskcore/domain/uuid.hpp"
#include "write_load.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "fault-test-secret-with-more-than-32-bytes";

std::string token(const std::string& user) {
    return test_token(user, kSecret);
}

void run(const char* variable) {
    const char* command = std::getenv(variable);
    if (command == nullptr)
        FAIL(std::string(variable) + " is not set: run through scripts/test.sh");
    REQUIRE(std::system(command) == 0);
}

}  // namespace

TEST_CASE("a database restart gives fast 503s, then the server recovers by itself") {
    ServerProcess server({{"BETTER_AUTH_SECRET", kSecret}, {"DB_POOL_SIZE", "2"}});
    const auto user = "fault-" + generate_uuid_v7().to_string();
    const auto list = "/api/" + user + "/tasks";
    {
        HttpClient c(server.port());
        REQUIRE(c.request(http::verb::post, list, token(user), R"({"title":"before"})").result() ==
                http::status::created);
    }

    run("TASKCORE_TEST_PG_STOP");
    bool restarted = false;
    try {
        for (int i = 0; i < 3; ++i) {
            HttpClient c(server.port());
            const auto start = std::chrono::steady_clock::now();
            const auto res = c.request(http::verb::get, list, token(user));
            const auto took = std::chrono::steady_clock::now() - start;
            CHECK(res.result() == http::status::service_unavailable);
            CHECK(res[http::field::retry_after] == "1");
            CHECK(boost::json::parse(res.body()).at("error").at("code") == "SERVICE_UNAVAILABLE");
            CHECK(took < std::chrono::seconds{4});
            // An MCP tool call understood while the database is away: a tool error, HTTP 200.
            const std::string call =
                R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks"}})";
            c.send_raw(
                "POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "MCP-Protocol-Version: 2025-11-25\r\nAuthorization: Bearer " +
                token(user) + "\r\nContent-Length: " + std::to_string(call.size()) + "\r\n\r\n" +
                call);
            const auto mcp = c.read_response();
            CHECK(mcp.result() == http::status::ok);
            const auto result = boost::json::parse(mcp.body()).at("result");
            CHECK(result.at("isError") == true);
            CHECK(result.at("content").at(0).at("text") ==
                  "service unavailable, retry in a few seconds");
            const auto health = c.request(http::verb::get, "/health");
            CHECK(health.result() == http::status::service_unavailable);
            CHECK(boost::json::parse(health.body()).at("database") == "disconnected");
        }
        run("TASKCORE_TEST_PG_START");
        restarted = true;
    } catch (...) {
        if (!restarted) std::system(std::getenv("TASKCORE_TEST_PG_START"));
        throw;
    }

    // No restart of taskcore: broken connections are replaced on their own.
    bool recovered = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{15};
    while (!recovered && std::chrono::steady_clock::now() < deadline) {
        HttpClient c(server.port());
        const auto res = c.request(http::verb::get, list, token(user));
        recovered = res.result() == http::status::ok;
        if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
    REQUIRE(recovered);
    HttpClient c(server.port());
    const auto res = c.request(http::verb::get, list, token(user));
    CHECK(boost::json::parse(res.body()).at("meta").at("total") == 1);
    CHECK(c.request(http::verb::get, "/health").result() == http::status::ok);
    CHECK(server.stop(SIGTERM) == 0);
}

TEST_CASE("PostgreSQL crashes (-m immediate) under write load: no acknowledged write is lost") {
    ServerProcess server({{"BETTER_AUTH_SECRET", kSecret}, {"DB_POOL_SIZE", "4"}});
    const auto user = "crash-" + generate_uuid_v7().to_string();
    const auto bearer = token(user);
    WriteLoad load([&] { return server.port(); }, user, bearer);
    load.start(6);
    const auto wait_for_acks = [&](std::size_t more) {
        const auto target = load.acknowledged_count() + more;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
        while (load.acknowledged_count() < target && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        return load.acknowledged_count() >= target;
    };
    REQUIRE(wait_for_acks(200));
    bool restarted = false;
    try {
        run("TASKCORE_TEST_PG_CRASH");
        std::this_thread::sleep_for(std::chrono::milliseconds{500});  // writers see 503s
        run("TASKCORE_TEST_PG_START");
        restarted = true;
    } catch (...) {
        if (!restarted) std::system(std::getenv("TASKCORE_TEST_PG_START"));
        throw;
    }
    // The crash was felt (writes failed meanwhile), and the same process, not restarted,
    // acknowledges writes again.
    CHECK(wait_for_acks(200));
    CHECK(!load.unacknowledged().empty());
    load.stop();

    const auto audit = audit_after_crash(server.port(), user, bearer, load);
    std::cout << "crash test (PostgreSQL -m immediate): acknowledged " << audit.acknowledged
              << ", present " << audit.present << ", duplicated " << audit.duplicated
              << ", stored without a 201 " << audit.unacknowledged_stored << "\n";
    CHECK(audit.present == audit.acknowledged);
    CHECK(audit.duplicated == 0);
    CHECK(audit.stored_unknown == 0);
    CHECK(server.stop(SIGTERM) == 0);
}

TEST_CASE("PostgreSQL backends killed mid-batch: every pipelined read gets an answer, none hangs") {
    ServerProcess server({{"BETTER_AUTH_SECRET", kSecret}, {"THREADS", "2"}});
    const auto user = "kill-" + generate_uuid_v7().to_string();
    const auto bearer = token(user);
    std::string task_path;
    {
        HttpClient c(server.port());
        const auto res = c.request(http::verb::post, "/api/" + user + "/tasks", bearer,
                                   R"({"title":"read me"})");
        REQUIRE(res.result() == http::status::created);
        task_path = std::string(res.at(http::field::location));
    }
    const char* url = std::getenv("TASKCORE_TEST_PG_URL");
    REQUIRE(url != nullptr);
    // Every taskcore backend (the pipelines and the pool), killed from another session.
    const std::string kill = std::string("psql -qAt '") + url +
                             "' -c \"SELECT count(pg_terminate_backend(pid)) FROM "
                             "pg_stat_activity WHERE application_name = 'taskcore'\"";
    const auto kill_backends = [&] {
        FILE* out = popen(kill.c_str(), "r");
        REQUIRE(out != nullptr);
        std::array<char, 64> line{};
        const bool read = std::fgets(line.data(), line.size(), out) != nullptr;
        REQUIRE(pclose(out) == 0);
        REQUIRE(read);
        return std::atoi(line.data());
    };
    std::atomic<bool> stop{false};
    std::atomic<int> ok{0};
    std::atomic<int> unavailable{0};
    std::atomic<int> other{0};
    std::vector<std::thread> readers;
    constexpr int kBatch = 8;  // requests sent back to back on one connection, then read
    std::string batch;
    for (int i = 0; i < kBatch; ++i)
        batch += "GET " + task_path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + bearer +
                 "\r\n\r\n";
    for (int r = 0; r < 8; ++r) {
        readers.emplace_back([&] {
            HttpClient c(server.port(), std::chrono::seconds{10});
            while (!stop) {
                c.send_raw(batch);
                for (int i = 0; i < kBatch; ++i) {
                    const auto res = c.read_response();  // throws (fails the test) on a hang
                    if (res.result() == http::status::ok) {
                        ++ok;
                    } else if (res.result() == http::status::service_unavailable) {
                        ++unavailable;
                    } else {
                        ++other;
                    }
                }
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
    int killed = 0;
    for (int k = 0; k < 5; ++k) {
        killed += kill_backends();
        std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
    stop = true;
    for (auto& t : readers) t.join();
    std::cout << "pipelined reads, " << killed << " backends killed in 5 rounds: " << ok
              << " answered 200, " << unavailable << " answered 503, " << other << " other\n";
    CHECK(killed >= 5);  // each round hit at least one live pipeline
    CHECK(other == 0);
    CHECK(ok > 0);
    // And the server serves reads again without a restart.
    HttpClient c(server.port());
    CHECK(c.request(http::verb::get, task_path, bearer).result() == http::status::ok);
    CHECK(server.stop(SIGTERM) == 0);
}
