// Citus only: a database migrated and written as plain PostgreSQL later gets the citus extension
// and workers; the next `migrate` distributes its tables, rows and all, and every answer of the
// API (ids, ETags, change seqs) reads back unchanged.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "server_process.hpp"
#include "support/fresh_database.hpp"
#include "support/test_database.hpp"
#include "taskcore/domain/uuid.hpp"

using namespace taskcore;
using namespace taskcore::testing;

namespace {

const std::string kSecret = "citus-adoption-secret-with-more-than-32-bytes";

// What a client sees of one user's data: every GET answer's data and ETag.
std::vector<std::string> snapshot(unsigned short port, const std::string& user,
                                  const std::vector<std::string>& paths) {
    HttpClient c(port);
    std::vector<std::string> seen;
    for (const auto& path : paths) {
        const auto res =
            c.request(http::verb::get, "/api/" + user + path, test_token(user, kSecret));
        REQUIRE(res.result() == http::status::ok);
        seen.push_back(path + " " + std::string(res[http::field::etag]) + " " +
                       boost::json::serialize(boost::json::parse(res.body()).at("data")));
    }
    return seen;
}

// Tasks (some toggled, one deleted), a conversation with messages: returns the paths to read.
std::vector<std::string> write_account(unsigned short port, const std::string& user) {
    HttpClient c(port);
    const auto bearer = test_token(user, kSecret);
    std::vector<std::string> paths{"/tasks?limit=200", "/conversations", "/changes?limit=200"};
    for (int i = 0; i < 30; ++i) {
        const auto res =
            c.request(http::verb::post, "/api/" + user + "/tasks", bearer,
                      R"({"title":"task )" + std::to_string(i) + R"(","tags":["t)" +
                          std::to_string(i % 3) + R"("],"due_date":"2026-12-24T10:00:00Z"})");
        REQUIRE(res.result() == http::status::created);
        const auto id = boost::json::parse(res.body()).at("data").at("id").as_string();
        const std::string path = "/tasks/" + std::string(id);
        if (i % 4 == 0) {
            REQUIRE(c.request(http::verb::patch, "/api/" + user + path + "/complete", bearer)
                        .result() == http::status::ok);
        }
        if (i == 7) {
            REQUIRE(c.request(http::verb::delete_, "/api/" + user + path, bearer).result() ==
                    http::status::ok);
        } else {
            paths.push_back(path);
        }
    }
    const auto conversation =
        c.request(http::verb::post, "/api/" + user + "/conversations", bearer, R"({"title":"c"})");
    REQUIRE(conversation.result() == http::status::created);
    const std::string path =
        "/conversations/" +
        std::string(boost::json::parse(conversation.body()).at("data").at("id").as_string());
    for (const auto* role : {"user", "assistant", "user"}) {
        REQUIRE(c.request(http::verb::post, "/api/" + user + path + "/messages", bearer,
                          std::string(R"({"role":")") + role + R"(","content":"hello"})")
                    .result() == http::status::created);
    }
    paths.push_back(path);
    paths.push_back(path + "/messages");
    return paths;
}

}  // namespace

TEST_CASE(
    "citus: migrate distributes a plain PostgreSQL database's existing rows, and every "
    "answer reads back unchanged") {
    REQUIRE(testing_on_citus());
    const auto base = resolve_test_database_url();
    const auto name = "adopt_" + generate_uuid_v7().to_string().substr(24);
    const auto url = create_database(base, name, /*citus=*/false);
    const std::vector<std::string> users{"adopt-a-" + generate_uuid_v7().to_string(),
                                         "adopt-b-" + generate_uuid_v7().to_string()};
    std::vector<std::vector<std::string>> paths;
    std::vector<std::vector<std::string>> before;
    {
        ServerProcess plain({{"BETTER_AUTH_SECRET", kSecret}}, url);
        for (const auto& user : users) {
            paths.push_back(write_account(plain.port(), user));
            before.push_back(snapshot(plain.port(), user, paths.back()));
        }
        REQUIRE(plain.stop(SIGTERM) == 0);
    }

    add_citus(base, url, name);
    ServerProcess citus({{"BETTER_AUTH_SECRET", kSecret}, {"DB_DISTRIBUTION", "citus"}}, url);
    {
        pqxx::connection db(url);
        pqxx::nontransaction tx(db);
        CHECK(tx.exec1("SELECT count(*) FROM pg_dist_partition")[0].as<int>() == 8);
        CHECK(tx.exec1("SELECT count(DISTINCT colocationid) FROM pg_dist_partition")[0].as<int>() ==
              1);
    }
    for (std::size_t u = 0; u < users.size(); ++u) {
        CHECK(snapshot(citus.port(), users[u], paths[u]) == before[u]);
    }
    // Writes go on from where the log stopped: the next seq, the counts kept.
    HttpClient c(citus.port());
    const auto bearer = test_token(users[0], kSecret);
    REQUIRE(
        c.request(http::verb::post, "/api/" + users[0] + "/tasks", bearer, R"({"title":"after"})")
            .result() == http::status::created);
    const auto feed = boost::json::parse(
        c.request(http::verb::get, "/api/" + users[0] + "/changes?since=43", bearer).body());
    const auto& entries = feed.at("data").as_array();
    REQUIRE(entries.size() == 1);
    // 30 creates, 8 toggles, 1 delete, 1 conversation, 3 messages: 43 entries before.
    CHECK(entries[0].at("seq") == 44);
    const auto list = boost::json::parse(
        c.request(http::verb::get, "/api/" + users[0] + "/tasks?limit=1", bearer).body());
    CHECK(list.at("meta").at("total") == 30);
    CHECK(citus.stop(SIGTERM) == 0);
    drop_database(base, name);
}
