// Parsing and checking every configuration variable, one clear line per bad value (the list of
// variables and the .env handling are in environment.cpp).
#include "ops/config.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <thread>

#include "taskcore/domain/text.hpp"

namespace taskcore::server {
namespace {

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

// DATABASE_URL (or NEON_DB_URL) and the pool and statement settings.
void load_database(const Environment& env, Config& c) {
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
    c.db_pool_size = static_cast<int>(integer(env, "DB_POOL_SIZE", 5, 1, 1000));
    c.db_max_overflow = static_cast<int>(integer(env, "DB_MAX_OVERFLOW", 10, 0, 1000));
    c.db_prepared_statements = boolean(env, "DB_PREPARED_STATEMENTS", true);
    c.db_pipeline = boolean(env, "DB_PIPELINE", true);
    c.db_distribution = one_of<Distribution>(env, "DB_DISTRIBUTION",
                                             {{"auto", Distribution::automatic},
                                              {"citus", Distribution::citus},
                                              {"none", Distribution::none}});
}

// Where the API and MCP live (API_PREFIX, MCP_*, PUBLIC_URL), the listeners, CORS.
void load_endpoints(const Environment& env, Config& c) {
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
}

// Request bounds, rate limits and retention.
void load_limits(const Environment& env, Config& c) {
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
}

// Connections, shutdown, threads and logging.
void load_process(const Environment& env, Config& c) {
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
}

}  // namespace

Config load_config(const Environment& env, bool require_auth) {
    Config c;
    load_auth(env, require_auth, c);
    c.jwt_issuer = get(env, "JWT_ISSUER");
    c.jwt_audience = get(env, "JWT_AUDIENCE");
    c.jwt_leeway = std::chrono::seconds{integer(env, "JWT_LEEWAY_SECONDS", 30, 0, 3600)};
    load_database(env, c);
    load_endpoints(env, c);
    load_docs(env, c);
    load_limits(env, c);
    load_events(env, c);
    load_process(env, c);
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
