// Citus only: one worker stops (-m immediate) under write load through two instances. Its users
// get quick 503s, everyone else is served, health names the worker, and after its restart every
// acknowledged write is there, with no server restarted.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "server_process.hpp"
#include "support/test_database.hpp"
#include "taskcore/domain/uuid.hpp"
#include "write_load.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "citus-fault-secret-with-more-than-32-bytes";

std::string required_env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        FAIL(std::string(name) + " is not set: run through scripts/test.sh (the Citus target)");
    }
    return value;
}

void run(const char* variable) {
    REQUIRE(std::system(required_env(variable).c_str()) == 0);
}

// A fresh user whose shards live (`on_worker`) or do not live on the worker at `port`.
std::string user_placed(pqxx::connection& db, const std::string& port, bool on_worker) {
    pqxx::nontransaction tx(db);
    for (int i = 0; i < 200; ++i) {
        const auto user = "citus-fault-" + generate_uuid_v7().to_string();
        const auto node =
            tx.exec1(
                  "SELECT n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid) "
                  "WHERE p.shardid = get_shard_id_for_distribution_column('tasks', " +
                  tx.quote(user) + ")")[0]
                .as<std::string>();
        if ((node == port) == on_worker) return user;
    }
    FAIL("no user found on the wanted side of the worker");
    return {};
}

bool wait_for(WriteLoad& load, std::size_t more, std::chrono::seconds within) {
    const auto target = load.acknowledged_count() + more;
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (load.acknowledged_count() < target && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    return load.acknowledged_count() >= target;
}

// While the worker is down: the down user's reads and writes are quick 503s, the other user's
// answer as usual, and health says which node is missing.
void check_outage(unsigned short port, const std::string& down_user, const std::string& up_user,
                  const std::string& worker) {
    HttpClient c(port);
    for (const auto& method : {http::verb::get, http::verb::post}) {
        const auto start = std::chrono::steady_clock::now();
        const auto res = c.request(method, "/api/" + down_user + "/tasks",
                                   test_token(down_user, kSecret), R"({"title":"during"})");
        const auto took = std::chrono::steady_clock::now() - start;
        INFO(res.body());
        CHECK(res.result() == http::status::service_unavailable);
        CHECK(res[http::field::retry_after] == "1");
        CHECK(boost::json::parse(res.body()).at("error").at("code") == "SERVICE_UNAVAILABLE");
        CHECK(took < std::chrono::seconds{4});
    }
    const auto up =
        c.request(http::verb::get, "/api/" + up_user + "/tasks", test_token(up_user, kSecret));
    CHECK(up.result() == http::status::ok);
    const auto health = c.request(http::verb::get, "/health");
    INFO(health.body());
    CHECK(health.result() == http::status::ok);
    const auto body = boost::json::parse(health.body());
    CHECK(body.at("status") == "degraded");
    CHECK(body.at("unreachable_nodes") == boost::json::array{"127.0.0.1:" + worker});
}

}  // namespace

TEST_CASE(
    "citus: a worker crash gives its users 503s, the others are served, nothing "
    "acknowledged is lost") {
    const auto worker = required_env("TASKCORE_TEST_CITUS_WORKER_PORT");
    const std::map<std::string, std::string> env{{"BETTER_AUTH_SECRET", kSecret},
                                                 {"DB_POOL_SIZE", "4"}};
    ServerProcess one(env);
    ServerProcess two(env);
    pqxx::connection db(resolve_test_database_url());
    const auto down_user = user_placed(db, worker, true);
    const auto up_user = user_placed(db, worker, false);
    WriteLoad down_load([&] { return one.port(); }, down_user, test_token(down_user, kSecret));
    WriteLoad up_load([&] { return two.port(); }, up_user, test_token(up_user, kSecret));
    down_load.start(3);
    up_load.start(3);
    REQUIRE(wait_for(down_load, 100, std::chrono::seconds{20}));
    REQUIRE(wait_for(up_load, 100, std::chrono::seconds{20}));

    bool restarted = false;
    try {
        run("TASKCORE_TEST_CITUS_WORKER_CRASH");
        std::this_thread::sleep_for(std::chrono::milliseconds{300});
        check_outage(one.port(), down_user, up_user, worker);
        check_outage(two.port(), down_user, up_user, worker);
        // The other worker's users keep writing through the outage.
        CHECK(wait_for(up_load, 100, std::chrono::seconds{20}));
        run("TASKCORE_TEST_CITUS_WORKER_START");
        restarted = true;
    } catch (...) {
        if (!restarted) std::system(std::getenv("TASKCORE_TEST_CITUS_WORKER_START"));
        throw;
    }
    // Recovery without restarting a server.
    CHECK(wait_for(down_load, 100, std::chrono::seconds{30}));
    down_load.stop();
    up_load.stop();
    HttpClient c(one.port());
    const auto health = c.request(http::verb::get, "/health");
    CHECK(boost::json::parse(health.body()).at("status") == "healthy");

    for (const auto* load : {&down_load, &up_load}) {
        const auto& user = load == &down_load ? down_user : up_user;
        const auto audit = audit_after_crash(one.port(), user, test_token(user, kSecret), *load);
        std::cout << "citus worker crash, " << (load == &down_load ? "its" : "another worker's")
                  << " user: acknowledged " << audit.acknowledged << ", present " << audit.present
                  << ", duplicated " << audit.duplicated << ", stored without a 201 "
                  << audit.unacknowledged_stored << "\n";
        CHECK(audit.present == audit.acknowledged);
        CHECK(audit.duplicated == 0);
        CHECK(audit.stored_unknown == 0);
    }
    CHECK(!down_load.unacknowledged().empty());  // the outage was felt by the worker's user
    CHECK(up_load.unacknowledged().empty());     // and by nobody else
    CHECK(one.stop(SIGTERM) == 0);
    CHECK(two.stop(SIGTERM) == 0);
}
