// The multi-instance deployment: a fresh database, the instances, haproxy in front.
#include "deployment.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <fstream>
#include <thread>

#include "support/fresh_database.hpp"
#include "support/test_database.hpp"
#include "taskcore/domain/uuid.hpp"

namespace taskcore::testing {
namespace {

std::string find_haproxy() {
    for (const char* candidate :
         {"/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"}) {
        if (access(candidate, X_OK) == 0) return candidate;
    }
    FAIL("haproxy not found (the Debian package 'haproxy'; scripts/setup.sh installs it)");
    return {};
}

}  // namespace

unsigned short free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

FreshDatabase::FreshDatabase() : name_("multi_" + generate_uuid_v7().to_string().substr(24)) {
    admin_url_ = resolve_test_database_url();
    url_ = create_database(admin_url_, name_);
}

FreshDatabase::~FreshDatabase() {
    try {
        drop_database(admin_url_, name_);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a leftover test database is harmless
    }
}

Haproxy::Haproxy(const std::vector<unsigned short>& ports) : port_(free_port()) {
    dir_ = std::filesystem::temp_directory_path() /
           ("taskcore-haproxy-" + generate_uuid_v7().to_string());
    std::filesystem::create_directories(dir_);
    std::ofstream cfg(dir_ / "haproxy.cfg");
    cfg << "global\n    maxconn 1024\n"
           "defaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n"
           "    timeout server 30s\n    option http-keep-alive\n    retries 3\n    option "
           "redispatch\n"
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

Haproxy::~Haproxy() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

Deployment::Deployment(std::size_t count, const std::map<std::string, std::string>& env) {
    instances.resize(count);
    std::vector<std::thread> starting;
    std::vector<std::string> failures(count);
    for (std::size_t i = 0; i < count; ++i) {
        starting.emplace_back([this, i, &failures, &env] {
            try {
                instances[i] = std::make_unique<ServerProcess>(env, database.url());
            } catch (const std::exception& e) {
                failures[i] = e.what();
            }
        });
    }
    for (auto& t : starting) t.join();
    for (const auto& f : failures) REQUIRE(f == "");  // prints why an instance did not start
    std::vector<unsigned short> ports;
    for (const auto& instance : instances) ports.push_back(instance->port());
    balancer = std::make_unique<Haproxy>(ports);
}

}  // namespace taskcore::testing
