// Several taskcore-server instances on one PostgreSQL database behind a real haproxy: started
// at once on a fresh database (concurrent migrations), then the concurrency checks through the
// balancer, and the spread of requests over the instances.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <pqxx/pqxx>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "concurrency_checks.hpp"
#include "deployment.hpp"
#include "server_process.hpp"
#include "support/test_database.hpp"
#include "taskcore/domain/uuid.hpp"
#include "taskcore/storage/store.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "multi-instance-secret-with-more-than-32-bytes";
constexpr std::size_t kInstances = 3;

struct ThreeInstances : Deployment {
    ThreeInstances() : Deployment(kInstances, {{"BETTER_AUTH_SECRET", kSecret}}) {}
};

// Requests an instance has answered, from its own /metrics.
long long requests_served(unsigned short port) {
    HttpClient c(port);
    const auto metrics = c.request(http::verb::get, "/metrics");
    REQUIRE(metrics.result() == http::status::ok);
    std::istringstream lines(metrics.body());
    long long total = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("taskcore_http_requests_total{")) {
            total += std::stoll(line.substr(line.rfind(' ') + 1));
        }
    }
    return total;
}

}  // namespace

TEST_CASE("instances started at once on a fresh database apply each migration exactly once") {
    ThreeInstances d;
    pqxx::connection c(d.database.url());
    pqxx::nontransaction tx(c);
    const auto versions = tx.exec("SELECT version FROM schema_migrations ORDER BY version");
    std::vector<int> applied;
    for (const auto& row : versions) applied.push_back(row[0].as<int>());
    std::vector<int> expected;
    for (int v = 1; v <= latest_schema_version(); ++v) expected.push_back(v);
    CHECK(applied == expected);
    for (const auto& instance : d.instances) {
        CHECK(instance->log().find("schema version " + std::to_string(latest_schema_version())) !=
              std::string::npos);
    }
}

TEST_CASE("through the balancer: no toggle is lost and one of several DELETEs wins") {
    ThreeInstances d;
    check_no_lost_toggle(d.balancer->port(), kSecret, 6, 10);
    check_one_delete_winner(d.balancer->port(), kSecret, 6);
}

TEST_CASE("through the balancer: updated_at never goes backwards, list totals match the rows") {
    ThreeInstances d;
    check_updated_at_monotonic(d.balancer->port(), kSecret, 6);
    check_list_totals_consistent(d.balancer->port(), kSecret, 6);
}

TEST_CASE("through the balancer: cursor pages from any instance skip and repeat nothing") {
    ThreeInstances d;
    check_cursor_walk_under_writes(d.balancer->port(), kSecret, 1000);
}

TEST_CASE("through the balancer: writers on every instance make one gap-free change log") {
    ThreeInstances d;
    check_change_log_exactly_once(d.balancer->port(), kSecret, 6, 10);
}

TEST_CASE("the balancer spreads requests over every instance") {
    ThreeInstances d;
    check_no_lost_toggle(d.balancer->port(), kSecret, 3, 20);
    std::vector<long long> served;
    long long total = 0;
    for (const auto& instance : d.instances) {
        served.push_back(requests_served(instance->port()));
        total += served.back();
    }
    INFO("requests per instance: " << served[0] << " " << served[1] << " " << served[2]);
    CHECK(total >= 60);
    for (const auto n : served) CHECK(n >= total / static_cast<long long>(2 * kInstances));
}
