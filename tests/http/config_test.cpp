// Configuration: defaults, .env parsing, precedence and one-line errors naming the variable.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "ops/config.hpp"
#include "taskcore/domain/uuid.hpp"

using namespace taskcore::server;

namespace {

const Environment kBase{{"BETTER_AUTH_SECRET", "0123456789abcdef0123456789abcdef"}};

Environment with(std::initializer_list<std::pair<const std::string, std::string>> extra) {
    Environment env = kBase;
    for (const auto& [k, v] : extra) env[k] = v;
    return env;
}

}  // namespace

TEST_CASE("defaults follow docs/api.md §12") {
    const auto c = load_config(kBase);
    CHECK(c.database_url == "sqlite:///./taskcore.db");
    CHECK(c.api_prefix == "/api");
    CHECK(c.host == "0.0.0.0");
    CHECK(c.port == 8000);
    CHECK(c.cors_origins == std::vector<std::string>{"http://localhost:3000"});
    CHECK(c.jwt_leeway == std::chrono::seconds{30});
    CHECK(c.db_pool_size == 5);
    CHECK(c.db_max_overflow == 10);
    CHECK(c.max_body_bytes == 65536);
    CHECK(c.idle_timeout == std::chrono::seconds{30});
    CHECK(c.threads >= 1);
    CHECK(c.log_level == LogLevel::info);
    CHECK(c.db_distribution == taskcore::Distribution::automatic);
    CHECK(c.warnings.empty());
}

TEST_CASE("values are read and lists split") {
    const auto c = load_config(with({{"PORT", "9000"},
                                     {"CORS_ORIGINS", " https://a.example , http://b:8080 "},
                                     {"CORS_ALLOW_HEADERS", "X-A, X-B"},
                                     {"NEON_DB_URL", "postgresql://n/db"},
                                     {"LOG_LEVEL", "warning"},
                                     {"JWT_ISSUER", "taskflow-web"}}));
    CHECK(c.port == 9000);
    CHECK(c.cors_origins ==
          std::vector<std::string>{"http://localhost:3000", "https://a.example", "http://b:8080"});
    CHECK(c.cors_allow_headers == std::vector<std::string>{"X-A", "X-B"});
    CHECK(c.database_url == "postgresql://n/db");
    CHECK(c.log_level == LogLevel::warning);
    CHECK(c.jwt_issuer == "taskflow-web");
    CHECK(load_config(with({{"DB_DISTRIBUTION", "none"}})).db_distribution ==
          taskcore::Distribution::none);
    CHECK(load_config(
              with({{"NEON_DB_URL", "postgresql://n/db"}, {"DATABASE_URL", "sqlite::memory:"}}))
              .database_url == "sqlite::memory:");
}

TEST_CASE("bad values stop start-up with a line naming the variable") {
    const std::vector<std::pair<std::string, std::string>> bad{
        {"PORT", "80a"},
        {"PORT", "70000"},
        {"THREADS", "0"},
        {"DB_POOL_SIZE", "-1"},
        {"MAX_BODY_BYTES", "big"},
        {"IDLE_TIMEOUT_SECONDS", "0"},
        {"LOG_LEVEL", "verbose"},
        {"API_PREFIX", "api"},
        {"API_PREFIX", "/api/"},
        {"DATABASE_URL", "mysql://x"},
        {"FRONTEND_ORIGIN", "localhost:3000"},
        {"CORS_ORIGINS", "http://ok,https://x/path"},
        {"JWT_LEEWAY_SECONDS", "1.5"},
        {"DB_PREPARED_STATEMENTS", "maybe"},
        {"DB_DISTRIBUTION", "sharded"}};
    for (const auto& [key, value] : bad) {
        INFO(key << "=" << value);
        const std::string var = key == "CORS_ORIGINS" || key == "FRONTEND_ORIGIN"
                                    ? "FRONTEND_ORIGIN/CORS_ORIGINS"
                                    : key;
        CHECK_THROWS_WITH(load_config(with({{key, value}})), Catch::StartsWith(var + ":"));
    }
}

TEST_CASE("a missing secret stops serve but a short one only warns") {
    CHECK_THROWS_WITH(load_config({}), Catch::StartsWith("BETTER_AUTH_SECRET:"));
    CHECK_NOTHROW(load_config({}, false));
    const auto c = load_config({{"BETTER_AUTH_SECRET", "short"}});
    REQUIRE(c.warnings.size() == 1);
    CHECK(c.warnings[0].find("shorter than 32 bytes") != std::string::npos);
}

TEST_CASE(".env files with comments, export and quotes, overridden by the environment") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("taskcore-env-" + taskcore::generate_uuid_v7().to_string());
    {
        std::ofstream out(path);
        out << "# comment\n\nexport PORT=8123\nHOST='127.0.0.1'\nLOG_LEVEL=\"debug\"\n"
               "API_PREFIX=/v2 # trailing comment\nnot a line\nTASKCORE_TEST_ONLY_VAR=from-file\n";
    }
    const auto env = read_dotenv(path.string());
    CHECK(env.at("PORT") == "8123");
    CHECK(env.at("HOST") == "127.0.0.1");
    CHECK(env.at("LOG_LEVEL") == "debug");
    CHECK(env.at("API_PREFIX") == "/v2");
    CHECK(env.count("not a line") == 0);
    CHECK(read_dotenv("/nonexistent/.env").empty());

    ::setenv("TASKCORE_TEST_ONLY_VAR", "from-environment", 1);
    CHECK(effective_environment(path.string()).at("TASKCORE_TEST_ONLY_VAR") == "from-environment");
    ::unsetenv("TASKCORE_TEST_ONLY_VAR");
    CHECK(effective_environment(path.string()).at("TASKCORE_TEST_ONLY_VAR") == "from-file");
    std::filesystem::remove(path);
}

TEST_CASE("unknown .env keys are named with a close known one") {
    const auto warnings = unknown_dotenv_keys(
        parse_dotenv("PROT=9000\nPORT=8000\nDATABSE_URL=x\nNEXT_PUBLIC_THING=1\n"));
    REQUIRE(warnings.size() == 3);
    CHECK(warnings[0] == "unknown key 'DATABSE_URL' in .env (ignored); did you mean DATABASE_URL?");
    CHECK(warnings[1] == "unknown key 'NEXT_PUBLIC_THING' in .env (ignored)");
    CHECK(warnings[2] == "unknown key 'PROT' in .env (ignored); did you mean PORT?");
    CHECK(unknown_dotenv_keys(parse_dotenv("PORT=1\nLOG_FORMAT=json\n")).empty());
}

TEST_CASE("every variable the server reads is documented and in .env.example") {
    const auto read = [](const std::string& name) {
        std::ifstream in(std::string(TASKCORE_SOURCE_DIR) + "/" + name);
        REQUIRE(in);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    };
    const auto api = read("docs/api.md");
    const auto from = api.find("## 12. Configuration");
    REQUIRE(from != std::string::npos);
    const auto table = api.substr(from, api.find("\n## ", from + 1) - from);
    const auto example = read(".env.example");
    for (const auto name : known_variables()) {
        CAPTURE(name);
        CHECK(table.find("`" + std::string(name) + "`") != std::string::npos);
        CHECK(example.find(std::string(name) + "=") != std::string::npos);
    }
}

TEST_CASE("LOG_FORMAT is text or json") {
    CHECK(load_config({{"BETTER_AUTH_SECRET", "s"}}).log_format == LogFormat::text);
    CHECK(load_config({{"BETTER_AUTH_SECRET", "s"}, {"LOG_FORMAT", "json"}}).log_format ==
          LogFormat::json);
    CHECK_THROWS_WITH(load_config({{"BETTER_AUTH_SECRET", "s"}, {"LOG_FORMAT", "xml"}}),
                      "LOG_FORMAT: expected one of text, json, got 'xml'");
}
