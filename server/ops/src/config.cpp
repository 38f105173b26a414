// Parsing and checking every configuration variable, one clear line per bad value.
#include "ops/config.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <thread>

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

std::optional<std::string> get(const Environment& env, const std::string& key) {
    if (!is_known_variable(key)) throw std::logic_error("config variable not listed: " + key);
    const auto it = env.find(key);
    if (it == env.end() || trim(it->second).empty()) return std::nullopt;
    return std::string(trim(it->second));
}

long long integer(const Environment& env, const std::string& key, long long fallback, long long min,
                  long long max) {
    const auto raw = get(env, key);
    if (!raw) return fallback;
    long long value = 0;
    const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
    if (ec != std::errc{} || end != raw->data() + raw->size() || value < min || value > max) {
        throw ConfigError(key + ": expected an integer from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", got '" + *raw + "'");
    }
    return value;
}

std::vector<std::string> comma_list(const std::optional<std::string>& raw) {
    std::vector<std::string> out;
    if (!raw) return out;
    std::string_view rest = *raw;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto item = trim(rest.substr(0, comma));
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

void check_origin(const std::string& key, const std::string& origin) {
    // scheme://host[:port] with no path: origins are compared exactly.
    const auto scheme_end = origin.find("://");
    const bool ok = (origin.starts_with("http://") || origin.starts_with("https://")) &&
                    scheme_end != std::string::npos && origin.size() > scheme_end + 3 &&
                    origin.find('/', scheme_end + 3) == std::string::npos;
    if (!ok) throw ConfigError(key + ": '" + origin + "' is not an origin like http://host:3000");
}

bool boolean(const Environment& env, const std::string& key, bool fallback) {
    const auto raw = get(env, key);
    if (!raw) return fallback;
    if (*raw == "true" || *raw == "1" || *raw == "yes" || *raw == "on") return true;
    if (*raw == "false" || *raw == "0" || *raw == "no" || *raw == "off") return false;
    throw ConfigError(key + ": expected true or false, got '" + *raw + "'");
}

// One of a fixed set of names (the first is the default), mapped to its value.
template <typename T>
T one_of(const Environment& env, const std::string& key,
         std::initializer_list<std::pair<std::string_view, T>> choices) {
    const auto raw = get(env, key);
    if (!raw) return choices.begin()->second;
    std::string names;
    for (const auto& [name, value] : choices) {
        if (*raw == name) return value;
        names += (names.empty() ? "" : ", ") + std::string(name);
    }
    throw ConfigError(key + ": expected one of " + names + ", got '" + *raw + "'");
}

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

namespace {

// Token verification settings (BETTER_AUTH_*, JWKS_*); at least one mode unless `require_auth`
// is false (commands that never verify tokens).
void load_auth(const Environment& env, bool require_auth, Config& c) {
    c.better_auth_secret = get(env, "BETTER_AUTH_SECRET");
    c.better_auth_url = get(env, "BETTER_AUTH_URL");
    c.jwks_url = get(env, "JWKS_URL");
    c.jwks_file = get(env, "JWKS_FILE");
    c.jwks_cache = std::chrono::seconds{integer(env, "JWKS_CACHE_SECONDS", 300, 1, 86400)};
    for (const auto& [key, value] :
         {std::pair{"BETTER_AUTH_URL", c.better_auth_url}, std::pair{"JWKS_URL", c.jwks_url}}) {
        if (value && !value->starts_with("http://") && !value->starts_with("https://")) {
            throw ConfigError(std::string(key) + ": expected an http:// or https:// URL, got '" +
                              *value + "'");
        }
    }
    if (require_auth && !c.better_auth_secret && !c.jwks_url && !c.better_auth_url &&
        !c.jwks_file) {
        throw ConfigError(
            "BETTER_AUTH_SECRET: required unless BETTER_AUTH_URL, JWKS_URL or JWKS_FILE is set "
            "(there would be no way to verify tokens)");
    }
    if (c.better_auth_secret && c.better_auth_secret->size() < 32) {
        c.warnings.push_back(
            "BETTER_AUTH_SECRET is shorter than 32 bytes; use a long random secret");
    }
}

// The /docs page (DOCS_ENABLED, DOCS_ASSETS_URL).
void load_docs(const Environment& env, Config& c) {
    c.docs_enabled = boolean(env, "DOCS_ENABLED", true);
    if (auto url = get(env, "DOCS_ASSETS_URL")) {
        if ((!url->starts_with("http://") && !url->starts_with("https://")) ||
            url->ends_with('/') || url->find_first_of("\"'<> ;") != std::string::npos) {
            throw ConfigError(
                "DOCS_ASSETS_URL: expected an http(s) URL without a trailing '/' "
                "(the directory holding swagger-ui.css and swagger-ui-bundle.js), "
                "got '" +
                *url + "'");
        }
        c.docs_assets_url = *url;
    }
}

// The event streams' settings, and the change listener's connection.
void load_events(const Environment& env, Config& c) {
    c.events_heartbeat =
        std::chrono::seconds{integer(env, "EVENTS_HEARTBEAT_SECONDS", 15, 1, 3600)};
    c.events_max_streams_per_user =
        static_cast<int>(integer(env, "EVENTS_MAX_STREAMS_PER_USER", 8, 1, 1000));
    c.events_max_streams = static_cast<int>(integer(env, "EVENTS_MAX_STREAMS", 10000, 1, 1000000));
    c.events_notify = boolean(env, "EVENTS_NOTIFY", true);
    c.events_ticket_secret = get(env, "EVENTS_TICKET_SECRET");
    if (c.events_ticket_secret && c.events_ticket_secret->size() < 32) {
        throw ConfigError(
            "EVENTS_TICKET_SECRET: must be at least 32 bytes (e.g. openssl rand -hex 32)");
    }
    if (auto listen = get(env, "DB_LISTEN_URL")) {
        if (!listen->starts_with("postgresql://") && !listen->starts_with("postgres://")) {
            throw ConfigError("DB_LISTEN_URL: expected postgresql://..., got '" +
                              listen->substr(0, listen->find(':')) + ":...'");
        }
        c.db_listen_url = *listen;
    }
}

}  // namespace

Config load_config(const Environment& env, bool require_auth) {
    Config c;
    load_auth(env, require_auth, c);

    if (auto url = get(env, "DATABASE_URL")) {
        c.database_url = *url;
    } else if (auto neon = get(env, "NEON_DB_URL")) {
        c.database_url = *neon;
    }
    const std::string& db = c.database_url;
    if (!db.starts_with("sqlite:") && !db.starts_with("postgresql://") &&
        !db.starts_with("postgres://")) {
        throw ConfigError(
            "DATABASE_URL: expected sqlite:///path.db, sqlite::memory: or "
            "postgresql://..., got '" +
            db.substr(0, db.find(':')) + ":...'");
    }

    if (auto prefix = get(env, "API_PREFIX")) {
        if (prefix->front() != '/' || (prefix->size() > 1 && prefix->back() == '/') ||
            prefix->find_first_of("?#{} ") != std::string::npos) {
            throw ConfigError("API_PREFIX: must start with '/' and not end with '/', got '" +
                              *prefix + "'");
        }
        c.api_prefix = *prefix == "/" ? "" : *prefix;
    }
    c.mcp_enabled = boolean(env, "MCP_ENABLED", true);
    if (auto path = get(env, "MCP_PATH")) {
        if (path->size() < 2 || path->front() != '/' || path->back() == '/' ||
            path->find_first_of("?#{}% ") != std::string::npos) {
            throw ConfigError("MCP_PATH: must be a path like /mcp (no trailing '/'), got '" +
                              *path + "'");
        }
        c.mcp_path = *path;
    }
    if (auto url = get(env, "PUBLIC_URL")) {
        check_origin("PUBLIC_URL", *url);
        c.public_url = *url;
    }
    load_docs(env, c);
    c.host = get(env, "HOST").value_or("0.0.0.0");
    c.port = static_cast<unsigned short>(integer(env, "PORT", 8000, 0, 65535));
    if (get(env, "METRICS_PORT")) {
        c.metrics_port = static_cast<unsigned short>(integer(env, "METRICS_PORT", 0, 0, 65535));
    }
    if (auto host = get(env, "METRICS_HOST")) {
        if (!c.metrics_port) throw ConfigError("METRICS_HOST: set METRICS_PORT too");
        c.metrics_host = *host;
    }

    c.cors_origins.push_back(get(env, "FRONTEND_ORIGIN").value_or("http://localhost:3000"));
    for (auto& o : comma_list(get(env, "CORS_ORIGINS"))) c.cors_origins.push_back(std::move(o));
    for (const auto& o : c.cors_origins) check_origin("FRONTEND_ORIGIN/CORS_ORIGINS", o);
    c.cors_allow_headers = comma_list(get(env, "CORS_ALLOW_HEADERS"));

    c.jwt_issuer = get(env, "JWT_ISSUER");
    c.jwt_audience = get(env, "JWT_AUDIENCE");
    c.jwt_leeway = std::chrono::seconds{integer(env, "JWT_LEEWAY_SECONDS", 30, 0, 3600)};
    c.db_pool_size = static_cast<int>(integer(env, "DB_POOL_SIZE", 5, 1, 1000));
    c.db_max_overflow = static_cast<int>(integer(env, "DB_MAX_OVERFLOW", 10, 0, 1000));
    c.db_prepared_statements = boolean(env, "DB_PREPARED_STATEMENTS", true);
    c.db_pipeline = boolean(env, "DB_PIPELINE", true);
    c.db_distribution = one_of<Distribution>(env, "DB_DISTRIBUTION",
                                             {{"auto", Distribution::automatic},
                                              {"citus", Distribution::citus},
                                              {"none", Distribution::none}});
    c.max_body_bytes =
        static_cast<std::size_t>(integer(env, "MAX_BODY_BYTES", 65536, 1, 64LL * 1024 * 1024));
    c.rate_limit_per_minute = integer(env, "RATE_LIMIT_PER_MINUTE", 0, 0, 1'000'000'000);
    c.rate_limit_burst =
        integer(env, "RATE_LIMIT_BURST", c.rate_limit_per_minute, 0, 1'000'000'000);
    if (c.rate_limit_per_minute > 0 && c.rate_limit_burst == 0)
        throw ConfigError("RATE_LIMIT_BURST: must be at least 1 when RATE_LIMIT_PER_MINUTE is set");
    c.idempotency_ttl = std::chrono::hours{integer(env, "IDEMPOTENCY_TTL_HOURS", 24, 1, 8760)};
    c.changes_retention =
        std::chrono::hours{integer(env, "CHANGES_RETENTION_HOURS", 168, 1, 87600)};
    load_events(env, c);
    c.idle_timeout = std::chrono::seconds{integer(env, "IDLE_TIMEOUT_SECONDS", 30, 1, 86400)};
    c.shutdown_grace = std::chrono::seconds{integer(env, "SHUTDOWN_GRACE_SECONDS", 10, 0, 3600)};
    const auto hw = static_cast<long long>(std::max(1u, std::thread::hardware_concurrency()));
    c.threads = static_cast<int>(integer(env, "THREADS", hw, 1, 256));

    c.log_level = one_of<LogLevel>(env, "LOG_LEVEL",
                                   {{"info", LogLevel::info},
                                    {"debug", LogLevel::debug},
                                    {"warning", LogLevel::warning},
                                    {"error", LogLevel::error}});
    c.log_format = one_of<LogFormat>(env, "LOG_FORMAT",
                                     {{"text", LogFormat::text}, {"json", LogFormat::json}});
    c.log_user_hash_key = get(env, "LOG_USER_HASH_KEY");
    return c;
}

std::optional<std::string> jwks_url(const Config& config) {
    if (config.jwks_url) return config.jwks_url;
    if (!config.better_auth_url) return std::nullopt;
    std::string base = *config.better_auth_url;
    while (base.ends_with('/')) base.pop_back();
    return base + "/api/auth/jwks";
}

}  // namespace taskcore::server
