// The database goes away under a running server: quick 503s during the outage, recovery after.
#include <catch2/catch.hpp>

#include <signal.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <thread>

#include "server_process.hpp"
#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/domain/uuid.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "fault-test-secret-with-more-than-32-bytes";

std::string token(const std::string& user) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return sign_hs256({{"sub", user}, {"exp", now + 600}}, kSecret);
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
