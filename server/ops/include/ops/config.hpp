// Server configuration from the environment, then `.env` in the working directory (docs/api.md
// §12).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "taskcore/storage/store.hpp"

namespace taskcore::server {

enum class LogLevel { debug, info, warning, error };
enum class LogFormat { text, json };

struct Config {
    std::optional<std::string> better_auth_secret;
    std::optional<std::string> better_auth_url;
    std::optional<std::string> jwks_url;
    std::optional<std::string> jwks_file;
    std::chrono::seconds jwks_cache{300};
    std::string database_url = "sqlite:///./taskcore.db";
    std::string api_prefix = "/api";
    bool mcp_enabled = true;
    std::string mcp_path = "/mcp";
    // scheme://host[:port] clients reach this server at (the MCP resource URL); when unset it is
    // http://<Host header>.
    std::optional<std::string> public_url;
    bool docs_enabled = true;                    // GET /docs (Swagger UI)
    std::optional<std::string> docs_assets_url;  // where /docs loads Swagger UI from; unset: here
    std::string host = "0.0.0.0";
    unsigned short port = 8000;
    // When set, /metrics is served on this listener only (not on the public port); 0 picks a
    // free port (logged).
    std::optional<unsigned short> metrics_port;
    std::string metrics_host = "127.0.0.1";
    std::vector<std::string> cors_origins;  // FRONTEND_ORIGIN first, then CORS_ORIGINS
    std::vector<std::string> cors_allow_headers;
    std::optional<std::string> jwt_issuer;
    std::optional<std::string> jwt_audience;
    std::chrono::seconds jwt_leeway{30};
    int db_pool_size = 5;
    int db_max_overflow = 10;
    bool db_prepared_statements = true;
    bool db_pipeline = true;  // PostgreSQL reads on a pipelined connection per I/O thread
    Distribution db_distribution = Distribution::automatic;  // what `migrate` does on Citus
    std::size_t max_body_bytes = 65536;
    // Token bucket per user (and per client address for refused tokens); 0: off.
    long long rate_limit_per_minute = 0;
    long long rate_limit_burst = 0;             // defaults to rate_limit_per_minute
    std::chrono::hours idempotency_ttl{24};     // how long an Idempotency-Key's response is kept
    std::chrono::hours changes_retention{168};  // how long the change log keeps an entry
    std::chrono::seconds events_heartbeat{15};  // comment line on an idle event stream
    int events_max_streams_per_user = 8;        // more: 429
    int events_max_streams = 10000;             // on this instance; more: 503
    // Signs event-stream tickets (every instance must share it); unset: derived from
    // BETTER_AUTH_SECRET, or random per process when there is none (tickets then open streams
    // on the instance that issued them only).
    std::optional<std::string> events_ticket_secret;
    bool events_notify = true;  // PostgreSQL writes NOTIFY the other instances' listeners
    // PostgreSQL: the direct connection the change listener LISTENs on; unset: DATABASE_URL.
    std::optional<std::string> db_listen_url;
    std::chrono::seconds idle_timeout{30};
    std::chrono::seconds shutdown_grace{10};  // in-flight requests may finish within this
    int threads = 1;
    LogLevel log_level = LogLevel::info;
    LogFormat log_format = LogFormat::text;
    // Keys the user_hash of JSON access lines; unset: derived from BETTER_AUTH_SECRET, or random
    // per process when there is none (then hashes differ between instances).
    std::optional<std::string> log_user_hash_key;
    std::vector<std::string> warnings;  // non-fatal remarks to log at start-up
};

// A bad value: the message is one line naming the variable.
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

using Environment = std::map<std::string, std::string>;

// Reads KEY=VALUE lines (comments, blank lines, `export `, single or double quotes); a missing
// file is an empty environment.
Environment read_dotenv(const std::string& path);
// The same from the file's text.
Environment parse_dotenv(std::string_view text);

// Whether the server reads a variable of this name; the names themselves.
bool is_known_variable(std::string_view name);
std::vector<std::string_view> known_variables();
// One warning per `.env` key the server does not read, naming it and a close known name when
// there is one ("unknown key 'PROT' in .env (ignored); did you mean PORT?").
std::vector<std::string> unknown_dotenv_keys(const Environment& dotenv);

// The process environment merged over `dotenv` (the process environment wins).
Environment with_process_environment(Environment dotenv);
// The same over the file at `dotenv_path`.
Environment effective_environment(const std::string& dotenv_path = ".env");

// The MCP endpoint's path, or nullopt when MCP_ENABLED=false.
inline std::optional<std::string> mcp_path_of(const Config& config) {
    if (!config.mcp_enabled) return std::nullopt;
    return config.mcp_path;
}

// `require_auth`: serve needs a verification mode; migrate does not.
Config load_config(const Environment& env, bool require_auth = true);

// The JWKS URL to fetch: JWKS_URL, else {BETTER_AUTH_URL}/api/auth/jwks; nullopt for neither.
std::optional<std::string> jwks_url(const Config& config);

}  // namespace taskcore::server
