// Several taskcore-server instances on one fresh PostgreSQL database behind a real haproxy, for
// the multi-instance suites (started and stopped by the test; haproxy is the Debian package).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server_process.hpp"

namespace taskcore::testing {

unsigned short free_port();

// A database of its own on the test cluster, dropped afterwards.
class FreshDatabase {
  public:
    FreshDatabase();
    ~FreshDatabase();
    FreshDatabase(const FreshDatabase&) = delete;
    FreshDatabase& operator=(const FreshDatabase&) = delete;
    [[nodiscard]] const std::string& url() const { return url_; }
    [[nodiscard]] const std::string& name() const { return name_; }

  private:
    std::string name_;
    std::string admin_url_;
    std::string url_;
};

// haproxy in the foreground, round robin over `ports`, until destroyed. A connection refused by
// a stopped instance is redispatched to another one.
class Haproxy {
  public:
    explicit Haproxy(const std::vector<unsigned short>& ports);
    ~Haproxy();
    Haproxy(const Haproxy&) = delete;
    Haproxy& operator=(const Haproxy&) = delete;
    [[nodiscard]] unsigned short port() const { return port_; }

  private:
    std::filesystem::path dir_;
    unsigned short port_;
    pid_t pid_ = -1;
};

// `count` servers with `env` started at the same moment on a fresh database, behind haproxy.
struct Deployment {
    FreshDatabase database;
    std::vector<std::unique_ptr<ServerProcess>> instances;
    std::unique_ptr<Haproxy> balancer;

    Deployment(std::size_t count, const std::map<std::string, std::string>& env);
};

}  // namespace taskcore::testing
