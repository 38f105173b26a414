// The variables the server reads, and where their values come from: `.env` and the process
// environment (the process wins), with a warning per `.env` key nobody reads.
#include <algorithm>
#include <array>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "ops/config.hpp"
#include "taskcore/domain/text.hpp"

extern char** environ;  // NOLINT: POSIX

namespace taskcore::server {
namespace {

// Every variable the server reads: `.env` keys outside it are reported as likely typos, and
// reading a name missing here is a programming error caught by the first test that loads it.
constexpr std::array kVariables{
    "API_PREFIX",
    "BETTER_AUTH_SECRET",
    "BETTER_AUTH_URL",
    "CORS_ALLOW_HEADERS",
    "CORS_ORIGINS",
    "DATABASE_URL",
    "DOCS_ASSETS_URL",
    "DOCS_ENABLED",
    "DB_DISTRIBUTION",
    "DB_MAX_OVERFLOW",
    "DB_PIPELINE",
    "DB_POOL_SIZE",
    "DB_PREPARED_STATEMENTS",
    "FRONTEND_ORIGIN",
    "HOST",
    "IDEMPOTENCY_TTL_HOURS",
    "CHANGES_RETENTION_HOURS",
    "EVENTS_HEARTBEAT_SECONDS",
    "EVENTS_MAX_STREAMS_PER_USER",
    "EVENTS_MAX_STREAMS",
    "EVENTS_TICKET_SECRET",
    "EVENTS_NOTIFY",
    "DB_LISTEN_URL",
    "IDLE_TIMEOUT_SECONDS",
    "JWKS_CACHE_SECONDS",
    "JWKS_FILE",
    "JWKS_URL",
    "JWT_AUDIENCE",
    "JWT_ISSUER",
    "JWT_LEEWAY_SECONDS",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "LOG_USER_HASH_KEY",
    "MAX_BODY_BYTES",
    "MCP_ENABLED",
    "MCP_PATH",
    "METRICS_HOST",
    "METRICS_PORT",
    "NEON_DB_URL",
    "PORT",
    "PUBLIC_URL",
    "RATE_LIMIT_BURST",
    "RATE_LIMIT_PER_MINUTE",
    "SHUTDOWN_GRACE_SECONDS",
    "THREADS",
};

// Levenshtein distance, for "did you mean" (short names: the quadratic cost is nothing).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

bool is_known_variable(std::string_view name) {
    return std::find(kVariables.begin(), kVariables.end(), name) != kVariables.end();
}

std::vector<std::string_view> known_variables() {
    return {kVariables.begin(), kVariables.end()};
}

std::vector<std::string> unknown_dotenv_keys(const Environment& dotenv) {
    std::vector<std::string> out;
    for (const auto& [key, value] : dotenv) {
        if (is_known_variable(key)) continue;
        std::string line = "unknown key '" + key + "' in .env (ignored)";
        const char* best = nullptr;
        std::size_t best_distance = 3;  // suggest only close names (PROT -> PORT)
        for (const char* known : kVariables) {
            const auto d = edit_distance(key, known);
            if (d < best_distance) {
                best_distance = d;
                best = known;
            }
        }
        if (best != nullptr) line += "; did you mean " + std::string(best) + "?";
        out.push_back(std::move(line));
    }
    return out;
}

Environment read_dotenv(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return parse_dotenv(text.str());
}

Environment parse_dotenv(std::string_view text) {
    Environment env;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        std::string_view view = trim(line);
        if (view.empty() || view.front() == '#') continue;
        if (view.starts_with("export ")) view = trim(view.substr(7));
        const auto eq = view.find('=');
        if (eq == std::string_view::npos) continue;
        const auto key = trim(view.substr(0, eq));
        auto value = trim(view.substr(eq + 1));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front()) {
            value = value.substr(1, value.size() - 2);
        } else if (const auto hash = value.find(" #"); hash != std::string_view::npos) {
            value = trim(value.substr(0, hash));  // inline comment after an unquoted value
        }
        env[std::string(key)] = std::string(value);
    }
    return env;
}

Environment with_process_environment(Environment env) {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view entry = *e;
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        env[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
    }
    return env;
}

Environment effective_environment(const std::string& dotenv_path) {
    return with_process_environment(read_dotenv(dotenv_path));
}

}  // namespace taskcore::server
