// What an operator sees of the real binary: JSON log lines (every line parses, access lines carry
// the route template and a user hash, never the user id), the refused-origin line, and /metrics
// on its own listener (checked by promtool).
#include <catch2/catch.hpp>

#include <signal.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "server_process.hpp"
#include "taskcore/domain/uuid.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "observability-secret-of-more-than-32-bytes";

unsigned short metrics_port_of(const ServerProcess& server) {
    std::smatch m;
    const auto log = server.log();
    const std::regex line(R"(metrics on http://127\.0\.0\.1:([0-9]+)/metrics)");
    REQUIRE(std::regex_search(log, m, line));
    return static_cast<unsigned short>(std::stoi(m[1].str()));
}

// promtool (Debian's prometheus package) on the scraped text; a missing promtool fails.
int promtool_check(const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("taskcore-metrics-" + generate_uuid_v7().to_string() + ".txt");
    std::ofstream(path) << text;
    const std::string command = "promtool check metrics < " + path.string() + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
    const int status = ::pclose(pipe);
    std::filesystem::remove(path);
    INFO("promtool: " << output);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) != 127);  // promtool not installed: scripts/setup.sh installs it
    return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("LOG_FORMAT=json: every line is a JSON record and users appear only as hashes") {
    ServerProcess server({{"BETTER_AUTH_SECRET", kSecret},
                          {"LOG_FORMAT", "json"},
                          {"LOG_LEVEL", "info"},
                          {"METRICS_PORT", "0"},
                          {"FRONTEND_ORIGIN", "http://app.example"}});
    const auto user = "obs-" + generate_uuid_v7().to_string();
    const auto token = test_token(user, kSecret);
    HttpClient client(server.port());
    auto res = client.request(http::verb::post, "/api/" + user + "/tasks", token,
                              R"({"title":"two\nlines \"quoted\""})");
    REQUIRE(res.result() == http::status::created);
    const std::string id(boost::json::parse(res.body()).at("data").at("id").as_string());
    CHECK(client.request(http::verb::get, "/api/" + user + "/tasks/" + id, token).result() ==
          http::status::ok);
    CHECK(client.request(http::verb::get, "/api/" + user + "/tasks", "bad.token.here").result() ==
          http::status::unauthorized);
    for (int i = 0; i < 3; ++i) {
        CHECK(client
                  .request(http::verb::get, "/health", "", "",
                           {{"Origin", "http://evil.example:3000"}})
                  .result() == http::status::ok);
    }

    // /metrics lives on its own listener only.
    CHECK(client.request(http::verb::get, "/metrics").result() == http::status::not_found);
    HttpClient scraper(metrics_port_of(server));
    const auto metrics = scraper.request(http::verb::get, "/metrics");
    REQUIRE(metrics.result() == http::status::ok);
    CHECK(metrics[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
    const auto& text = metrics.body();
    CHECK(std::regex_search(
        text,
        std::regex(
            R"re(taskcore_build_info\{version="[0-9.]+",backend="(sqlite|postgresql)"\} 1)re")));
    for (const auto* family : {"process_resident_memory_bytes ", "process_cpu_seconds_total ",
                               "process_open_fds ", "process_start_time_seconds "}) {
        CAPTURE(family);
        CHECK(text.find(std::string("\n") + family) != std::string::npos);
    }
    CHECK(text.find(R"(route="/api/{user_id}/tasks/{id}")") != std::string::npos);
    CHECK(text.find(user) == std::string::npos);
    CHECK(promtool_check(text) == 0);
    CHECK(scraper.request(http::verb::get, "/health").result() == http::status::not_found);

    REQUIRE(server.stop(SIGTERM) == 0);
    const auto log = server.log();
    CHECK(log.find(user) == std::string::npos);
    std::istringstream lines(log);
    std::size_t records = 0;
    std::size_t cors_lines = 0;
    std::set<std::string> hashes;
    bool saw_get_by_id = false;
    for (std::string line; std::getline(lines, line);) {
        CAPTURE(line);
        boost::system::error_code ec;
        const auto parsed = boost::json::parse(line, ec);
        REQUIRE_FALSE(ec);
        const auto& record = parsed.as_object();
        REQUIRE(record.at("ts").is_string());
        REQUIRE(record.at("level").is_string());
        REQUIRE(record.at("msg").is_string());
        ++records;
        const std::string msg(record.at("msg").as_string());
        if (msg.find("refused origin 'http://evil.example:3000'") != std::string::npos) {
            ++cors_lines;
            CHECK(msg.find("CORS_ORIGINS") != std::string::npos);
            CHECK(record.at("level") == "warning");
        }
        if (msg != "request") continue;
        for (const auto* key : {"method", "route", "request_id"}) CHECK(record.at(key).is_string());
        CHECK(record.at("status").is_int64());
        CHECK(record.at("duration_us").is_int64());
        const std::string route(record.at("route").as_string());
        CHECK(route.find(user) == std::string::npos);
        if (route == "/api/{user_id}/tasks/{id}" && record.at("method") == "GET") {
            saw_get_by_id = true;
            CHECK(record.at("status") == 200);
        }
        if (const auto* hash = record.if_contains("user_hash")) {
            CHECK(std::regex_match(std::string(hash->as_string()), std::regex("[0-9a-f]{16}")));
            hashes.insert(std::string(hash->as_string()));
        }
    }
    CHECK(records >= 8);
    CHECK(saw_get_by_id);
    CHECK(cors_lines == 1);     // three refusals, one line per minute
    CHECK(hashes.size() == 1);  // the same user hashes alike; the refused token has none
}
