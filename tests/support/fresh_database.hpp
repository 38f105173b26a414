// A new, empty database on the test cluster, for tests that need one of their own. On the Citus
// target (TASKCORE_TEST_CITUS_WORKERS set by scripts/citus_cluster.sh) it is a Citus database
// like the shared one: created on every node, the extension in each, the workers registered on
// the coordinator, so `migrate` distributes its tables there too.
#pragma once

#include <pqxx/pqxx>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace taskcore::testing {

// `url` with its database name replaced by `name` (query string kept).
inline std::string with_database(const std::string& url, const std::string& name) {
    const auto query = url.find('?');
    const auto slash = url.rfind('/', query);
    return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

// `url` pointing at `port` instead of its own port.
inline std::string with_port(const std::string& url, const std::string& port) {
    const auto at = url.find('@');
    const auto colon = url.find(':', at == std::string::npos ? url.find("//") + 2 : at);
    const auto slash = url.find('/', colon);
    return url.substr(0, colon + 1) + port + url.substr(slash);
}

// The worker ports of the Citus test cluster; empty on plain PostgreSQL.
inline std::vector<std::string> citus_worker_ports() {
    std::vector<std::string> ports;
    const char* raw = std::getenv("TASKCORE_TEST_CITUS_WORKERS");
    std::istringstream in(raw != nullptr ? raw : "");
    for (std::string port; in >> port;) ports.push_back(port);
    return ports;
}

inline bool testing_on_citus() {
    return !citus_worker_ports().empty();
}

inline void run_sql(const std::string& url, const std::string& sql) {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    tx.exec(sql);
}

// Makes the database at `url` (on the coordinator `base_url` points at) a Citus database: the
// same database on every worker with the extension, the extension here, the workers registered.
inline void add_citus(const std::string& base_url, const std::string& url,
                      const std::string& name) {
    const auto workers = citus_worker_ports();
    for (const auto& port : workers) {
        run_sql(with_port(base_url, port), "CREATE DATABASE " + name);
        run_sql(with_port(url, port), "CREATE EXTENSION citus");
    }
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    tx.exec("CREATE EXTENSION citus");
    tx.exec("SELECT citus_set_coordinator_host('127.0.0.1', " + std::string(c.port()) + ")");
    for (const auto& port : workers) tx.exec("SELECT citus_add_node('127.0.0.1', " + port + ")");
}

// Creates database `name` next to `base_url`'s and returns its URL: a plain one, or on the
// Citus target (`citus` left true) a Citus one.
inline std::string create_database(const std::string& base_url, const std::string& name,
                                   bool citus = true) {
    run_sql(base_url, "CREATE DATABASE " + name);
    const auto url = with_database(base_url, name);
    if (citus && testing_on_citus()) add_citus(base_url, url, name);
    return url;
}

// Drops what create_database made (every node's copy on Citus).
inline void drop_database(const std::string& base_url, const std::string& name) {
    const std::string drop = "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)";
    run_sql(base_url, drop);
    for (const auto& port : citus_worker_ports()) run_sql(with_port(base_url, port), drop);
}

}  // namespace taskcore::testing
