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
#include "server_process.hpp"
#include "support/test_database.hpp"
#include "taskcore/domain/uuid.hpp"
#include "taskcore/storage/store.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "multi-instance-secret-with-more-than-32-bytes";
constexpr std::size_t kInstances = 3;

std::string find_haproxy() {
    for (const char* candidate :
         {"/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"}) {
        if (access(candidate, X_OK) == 0) return candidate;
    }
    FAIL("haproxy not found (the Debian package 'haproxy'; scripts/setup.sh installs it)");
    return {};
}

unsigned short free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

// A database of its own on the test cluster, dropped afterwards.
class FreshDatabase {
  public:
    FreshDatabase() : name_("multi_" + generate_uuid_v7().to_string().substr(24)) {
        admin_url_ = resolve_test_database_url();
        pqxx::connection admin(admin_url_);
        pqxx::nontransaction tx(admin);
        tx.exec("CREATE DATABASE " + name_);
        url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name_;
    }
    ~FreshDatabase() {
        try {
            pqxx::connection admin(admin_url_);
            pqxx::nontransaction tx(admin);
            tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (...) {  // NOLINT(bugprone-empty-catch): a leftover test database is harmless
        }
    }
    FreshDatabase(const FreshDatabase&) = delete;
    FreshDatabase& operator=(const FreshDatabase&) = delete;
    [[nodiscard]] const std::string& url() const { return url_; }

  private:
    std::string name_;
    std::string admin_url_;
    std::string url_;
};

// haproxy in the foreground, round robin over `ports`, until destroyed.
class Haproxy {
  public:
    explicit Haproxy(const std::vector<unsigned short>& ports) : port_(free_port()) {
        dir_ = std::filesystem::temp_directory_path() /
               ("taskcore-haproxy-" + generate_uuid_v7().to_string());
        std::filesystem::create_directories(dir_);
        std::ofstream cfg(dir_ / "haproxy.cfg");
        cfg << "global\n    maxconn 1024\n"
               "defaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n"
               "    timeout server 30s\n    option http-keep-alive\n"
               "frontend taskcore\n    bind 127.0.0.1:"
            << port_
            << "\n    default_backend instances\n"
               "backend instances\n    balance roundrobin\n";
        for (std::size_t i = 0; i < ports.size(); ++i) {
            cfg << "    server instance" << i << " 127.0.0.1:" << ports[i] << "\n";
        }
        cfg.close();
        const auto binary = find_haproxy();
        const auto config = (dir_ / "haproxy.cfg").string();
        const auto log = (dir_ / "haproxy.log").string();
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            FILE* out = std::fopen(log.c_str(), "w");
            if (out == nullptr) _exit(126);
            dup2(fileno(out), STDOUT_FILENO);
            dup2(fileno(out), STDERR_FILENO);
            execl(binary.c_str(), binary.c_str(), "-db", "-f", config.c_str(), nullptr);
            _exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
        while (std::chrono::steady_clock::now() < deadline) {
            try {
                HttpClient probe(port_, std::chrono::seconds{2});
                if (probe.request(http::verb::get, "/health").result() == http::status::ok) return;
            } catch (const std::exception&) {
                std::this_thread::sleep_for(std::chrono::milliseconds{20});
            }
            REQUIRE(waitpid(pid_, nullptr, WNOHANG) == 0);  // haproxy exited: see its log
        }
        FAIL("haproxy did not answer within 10 s");
    }
    ~Haproxy() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    Haproxy(const Haproxy&) = delete;
    Haproxy& operator=(const Haproxy&) = delete;
    [[nodiscard]] unsigned short port() const { return port_; }

  private:
    std::filesystem::path dir_;
    unsigned short port_;
    pid_t pid_ = -1;
};

// kInstances servers started at the same moment on a fresh database, behind haproxy.
struct Deployment {
    FreshDatabase database;
    std::vector<std::unique_ptr<ServerProcess>> instances;
    std::unique_ptr<Haproxy> balancer;

    Deployment() {
        instances.resize(kInstances);
        std::vector<std::thread> starting;
        std::vector<std::string> failures(kInstances);
        for (std::size_t i = 0; i < kInstances; ++i) {
            starting.emplace_back([this, i, &failures] {
                try {
                    instances[i] = std::make_unique<ServerProcess>(
                        std::map<std::string, std::string>{{"BETTER_AUTH_SECRET", kSecret}},
                        database.url());
                } catch (const std::exception& e) {
                    failures[i] = e.what();
                }
            });
        }
        for (auto& t : starting) t.join();
        for (const auto& f : failures) REQUIRE(f.empty());
        std::vector<unsigned short> ports;
        for (const auto& instance : instances) ports.push_back(instance->port());
        balancer = std::make_unique<Haproxy>(ports);
    }
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
    Deployment d;
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
    Deployment d;
    check_no_lost_toggle(d.balancer->port(), kSecret, 6, 10);
    check_one_delete_winner(d.balancer->port(), kSecret, 6);
}

TEST_CASE("through the balancer: updated_at never goes backwards, list totals match the rows") {
    Deployment d;
    check_updated_at_monotonic(d.balancer->port(), kSecret, 6);
    check_list_totals_consistent(d.balancer->port(), kSecret, 6);
}

TEST_CASE("through the balancer: cursor pages from any instance skip and repeat nothing") {
    Deployment d;
    check_cursor_walk_under_writes(d.balancer->port(), kSecret, 1000);
}

TEST_CASE("through the balancer: writers on every instance make one gap-free change log") {
    Deployment d;
    check_change_log_exactly_once(d.balancer->port(), kSecret, 6, 10);
}

TEST_CASE("the balancer spreads requests over every instance") {
    Deployment d;
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
