// The server killed with SIGKILL in the middle of concurrent creates: after a restart on the same
// database every acknowledged create is there, none is stored twice, nothing unknown appears.
#include <catch2/catch.hpp>

#include <signal.h>

#include <iostream>
#include <thread>

#include "server_process.hpp"
#include "taskcore/domain/uuid.hpp"
#include "write_load.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "crash-test-secret-with-more-than-32-bytes";

}  // namespace

TEST_CASE("kill -9 during concurrent creates: every 201 survives, none is duplicated") {
    const std::map<std::string, std::string> env{{"BETTER_AUTH_SECRET", kSecret}, {"THREADS", "2"}};
    const auto user = "crash-" + generate_uuid_v7().to_string();
    const auto bearer = test_token(user, kSecret);
    CrashAudit total;
    // Three rounds: each kill lands at a different point of the write path.
    auto server = std::make_unique<ServerProcess>(env);
    const auto database = server->database_url();
    std::vector<std::unique_ptr<ServerProcess>> dead;  // keep their directories (SQLite file)
    std::atomic<unsigned short> port{server->port()};
    WriteLoad load([&] { return port.load(); }, user, bearer);
    load.start(8);
    for (int round = 0; round < 3; ++round) {
        // Let acknowledged writes pile up, then kill without warning.
        const auto before = load.acknowledged_count();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
        while (load.acknowledged_count() < before + 150 &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        REQUIRE(load.acknowledged_count() >= before + 150);
        CHECK(server->stop(SIGKILL) == 128 + SIGKILL);
        dead.push_back(std::move(server));
        server = std::make_unique<ServerProcess>(env, database);
        port = server->port();
    }
    load.stop();

    const auto audit = audit_after_crash(server->port(), user, bearer, load);
    std::cout << "crash test (kill -9 x3, " << database.substr(0, database.find(':'))
              << "): acknowledged " << audit.acknowledged << ", present " << audit.present
              << ", duplicated " << audit.duplicated << ", stored without a 201 "
              << audit.unacknowledged_stored << "\n";
    CHECK(audit.acknowledged >= 450);
    CHECK(audit.present == audit.acknowledged);
    CHECK(audit.duplicated == 0);
    CHECK(audit.stored_unknown == 0);
    CHECK(server->stop(SIGTERM) == 0);
}
