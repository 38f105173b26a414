// taskcore-server entry point: serve (default), migrate, seed [--reset], version, --help.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include "api.hpp"
#include "config.hpp"
#include "http_server.hpp"
#include "io_threads.hpp"
#include "jwks_fetcher.hpp"
#include "logger.hpp"
#include "metrics.hpp"
#include "metrics_listener.hpp"
#include "seed.hpp"
#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/auth/jwt_verifier.hpp"
#include "taskcore/domain/time.hpp"
#include "taskcore/service/idempotent_writes.hpp"
#include "taskcore/storage/change_listener.hpp"
#include "taskcore/storage/heap_tuning.hpp"
#include "taskcore/storage/store.hpp"
#include "taskcore/version.hpp"

namespace {

using namespace taskcore;
using namespace taskcore::server;

constexpr const char* kUsage = R"(taskcore-server: task and chat-history REST API

usage: taskcore-server [command]

commands:
  serve           run the HTTP server (default); applies pending migrations first
  migrate         apply pending database migrations and exit
  seed [--reset]  create demo users with tasks and a conversation; print tokens to try the API
                  (--reset deletes the demo users' data first; nobody else's is touched)
  token USER [SECONDS]
                  print an HS256 token for USER signed with BETTER_AUTH_SECRET (default 1 h)
  version         print the version
  --help          this text

Configuration comes from the environment, then .env in the working directory; see .env.example.
)";

// `serving`: the server announces its own writes to the other instances, coalesced
// (ChangeListener::announce), so its sessions leave the change-log trigger's NOTIFY out.
StoreOptions store_options(const Config& c, bool serving = false) {
    StoreOptions o;
    o.pool_size = c.db_pool_size;
    o.max_overflow = c.db_max_overflow;
    o.prepared_statements = c.db_prepared_statements;
    o.distribution = c.db_distribution;
    o.notify_changes = c.events_notify && !serving;
    return o;
}

std::unique_ptr<Store> open_and_migrate(const Config& config, bool serving = false) {
    auto store = open_store(config.database_url, store_options(config, serving));
    const int version = store->migrate();
    log::info("database ready: " + std::string(store->backend()) + ", schema version " +
              std::to_string(version));
    return store;
}

// JWKS keys for Better Auth's asymmetric tokens, if configured: fetched from a URL in the
// background (start-up never waits for it), or read once from JWKS_FILE.
std::shared_ptr<KeySource> key_source(const Config& config) {
    if (const auto url = jwks_url(config)) {
        JwksFetcherOptions options;
        options.cache_ttl = config.jwks_cache;
        log::info("JWKS: fetching keys from " + *url);
        return std::make_shared<JwksFetcher>(*url, options);
    }
    if (!config.jwks_file) return nullptr;
    std::ifstream in(*config.jwks_file);
    if (!in) throw ConfigError("JWKS_FILE: cannot read '" + *config.jwks_file + "'");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        auto set = JwkSet::parse(text);
        for (const auto& why : set.skipped()) log::warning("JWKS_FILE key skipped: " + why);
        if (set.size() == 0) throw InvalidJwkError("no usable key");
        log::info("JWKS: " + std::to_string(set.size()) + " keys from " + *config.jwks_file);
        return std::make_shared<StaticKeySource>(std::move(set));
    } catch (const InvalidJwkError& e) {
        throw ConfigError("JWKS_FILE: " + std::string(e.what()));
    }
}

// Threads that run database work. SQLite work is CPU-bound and writes serialise anyway, so more
// threads than cores only add context switches (measured: p99 of toggles 39 ms with 15 threads,
// 10 ms with 2, on 2 cores). PostgreSQL work mostly waits on the network: one thread per
// connection the pool may open.
std::size_t worker_threads(const Config& config, Store& store) {
    if (store.backend() == "sqlite") {
        return static_cast<std::size_t>(
            std::max(2, std::min(config.threads, config.db_pool_size + 1)));
    }
    return static_cast<std::size_t>(config.db_pool_size) +
           static_cast<std::size_t>(config.db_max_overflow);
}

// The change listener of this instance, started: every notification wakes the streams of its
// user; every (re)connect wakes them all, as notifications may have been missed meanwhile.
std::shared_ptr<ChangeListener> start_change_listener(const Config& config, EventHub& events,
                                                      IoThreads& io,
                                                      boost::asio::thread_pool& workers) {
    auto listener = open_change_listener(
        config.db_listen_url.value_or(config.database_url), io.main().get_executor(),
        workers.get_executor(),
        {[&events](std::string_view user, std::int64_t) { events.notify(user); },
         [&events, first = true]() mutable {
             if (!first) log::info("change listener reconnected; every stream re-reads the log");
             first = false;
             events.notify_all();
         },
         [](const std::string& why) {
             log::warning("change listener: " + why +
                          "; retrying (streams see this instance's writes meanwhile)");
         }});
    listener->start();
    events.set_listener(listener, config.events_notify);
    return listener;
}

int serve(const Config& config) {
    storage::keep_heap_tops();  // SQLite writers stay off the page-fault path
    auto store = open_and_migrate(config, /*serving=*/true);
    JwtOptions jwt;
    jwt.issuer = config.jwt_issuer;
    jwt.audience = config.jwt_audience;
    jwt.leeway = config.jwt_leeway;
    const JwtVerifier verifier(config.better_auth_secret, key_source(config), jwt);
    Metrics metrics(RouteMatcher(config.api_prefix, mcp_path_of(config)).labels());
    // Before the API: the pipelines the API owns watch sockets of these contexts, so the
    // contexts must outlive them.
    IoThreads io(config.threads);
    boost::asio::thread_pool workers(worker_threads(config, *store));
    Api api(config, *store, verifier, workers.get_executor(), &metrics);

    // PostgreSQL reads on each I/O thread's own pipelined connection (DB_PIPELINE=false: all
    // work on the blocking pool).
    if (store->backend() == "postgresql" && config.db_pipeline) {
        for (const auto& context : io.contexts()) {
            api.add_pipelined_reads(*context,
                                    open_pipelined_reads(config.database_url, store_options(config),
                                                         context->get_executor()));
        }
    }
    // PostgreSQL: writes on any instance wake this instance's streams through one LISTEN
    // connection (SQLite: one process owns the file; the API's in-process wake-ups suffice).
    const auto listener = store->backend() == "postgresql"
                              ? start_change_listener(config, api.events(), io, workers)
                              : nullptr;
    HttpServer server(config, api, metrics, io);
    const auto endpoint = server.listen();
    server.start_accepting();
    log::info("listening on http://" + endpoint.address().to_string() + ":" +
              std::to_string(endpoint.port()) + " (" + std::to_string(config.threads) +
              " I/O threads" + (api.pipelines() > 0 ? ", PostgreSQL reads pipelined" : "") + ")");
    MetricsListener metrics_listener(io.main(), [&api] { return api.metrics_document(); });
    if (config.metrics_port) {
        const auto at = metrics_listener.start(config.metrics_host, *config.metrics_port);
        log::info("metrics on http://" + at.address().to_string() + ":" +
                  std::to_string(at.port()) + "/metrics (not on the public port)");
    }

    // Expired Idempotency-Key records and change-log entries older than
    // CHANGES_RETENTION_HOURS are deleted a minute after start and then hourly, on the blocking
    // pool: never on a request's path. Every instance may do it; deleting is idempotent.
    IdempotentWrites keyed_writes(*store, config.idempotency_ttl);
    auto prune = [&store, &config, &keyed_writes] {
        try {
            keyed_writes.prune();
        } catch (const std::exception& e) {
            log::warning(std::string("pruning idempotency keys failed: ") + e.what());
        }
        try {
            store->changes().prune(now_ms() - config.changes_retention);
        } catch (const std::exception& e) {
            log::warning(std::string("pruning the change log failed: ") + e.what());
        }
        try {
            store->tickets().prune(now_ms());
        } catch (const std::exception& e) {
            log::warning(std::string("pruning used event tickets failed: ") + e.what());
        }
    };
    boost::asio::steady_timer prune_timer(io.main());
    std::function<void(std::chrono::seconds)> schedule_prune = [&](std::chrono::seconds after) {
        prune_timer.expires_after(after);
        prune_timer.async_wait([&](const boost::system::error_code& ec) {
            if (ec) return;
            boost::asio::post(workers, prune);
            schedule_prune(std::chrono::hours{1});
        });
    };
    schedule_prune(std::chrono::minutes{1});

    // Event streams are not sessions: they get a moment to write the end of their body (they
    // were told to end first), then the I/O threads stop.
    boost::asio::steady_timer streams_timer(io.main());
    std::chrono::steady_clock::time_point streams_deadline;
    std::function<void()> wait_for_streams = [&] {
        if (api.events().streams() == 0 || std::chrono::steady_clock::now() > streams_deadline) {
            return io.stop();
        }
        streams_timer.expires_after(std::chrono::milliseconds{20});
        streams_timer.async_wait([&](const boost::system::error_code&) { wait_for_streams(); });
    };
    auto stop_when_streams_ended = [&] {
        streams_deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
        wait_for_streams();
    };

    boost::asio::signal_set signals(io.main(), SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        log::info("signal " + std::to_string(signal) + " received; finishing in-flight requests");
        prune_timer.cancel();
        metrics_listener.stop();
        if (listener) listener->stop();
        api.events().shutdown();  // streams end first, so their clients reconnect elsewhere
        server.shutdown(config.shutdown_grace, [&] { stop_when_streams_ended(); });
    });

    io.run();
    workers.join();
    log::info("shut down cleanly");
    return 0;
}

// Where configuration came from: the .env file looked for (by its absolute path, so a server
// started in the wrong directory says so) and any key in it the server does not read.
void report_dotenv(const std::filesystem::path& path, const Environment& dotenv, bool announce) {
    std::error_code ec;
    const auto where = std::filesystem::absolute(path, ec).string();
    if (!std::filesystem::exists(path, ec)) {
        if (announce) {
            log::info("no .env file at " + where +
                      "; configuration comes from the process environment only");
        }
        return;
    }
    if (announce) log::info("configuration: " + where + ", overridden by the process environment");
    for (const auto& warning : unknown_dotenv_keys(dotenv)) {
        log::warning(warning);
    }
}

int print_token(const Config& config, const std::vector<std::string>& args) {
    if (!config.better_auth_secret)
        throw ConfigError("BETTER_AUTH_SECRET: required to sign tokens");
    const long long ttl = args.size() == 3 ? std::stoll(args[2]) : 3600;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    boost::json::object claims{{"sub", args[1]}, {"iat", now}, {"exp", now + ttl}};
    if (config.jwt_issuer) claims["iss"] = *config.jwt_issuer;
    if (config.jwt_audience) claims["aud"] = *config.jwt_audience;
    std::cout << sign_hs256(claims, *config.better_auth_secret) << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const std::string command = args.empty() ? "serve" : args[0];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return 0;
    }
    if (command == "version" || command == "--version") {
        std::cout << "taskcore-server " << kVersion << "\n";
        return 0;
    }
    const bool known = command == "serve" || command == "migrate" || command == "seed" ||
                       (command == "token" && (args.size() == 2 || args.size() == 3));
    const bool reset = command == "seed" && args.size() == 2 && args[1] == "--reset";
    if (!known || (args.size() > 1 && !reset && command != "token")) {
        std::cerr << "error: unknown command line '";
        for (std::size_t i = 0; i < args.size(); ++i) std::cerr << (i ? " " : "") << args[i];
        std::cerr << "'\n\n" << kUsage;
        return 2;
    }
    Config config;
    const std::filesystem::path dotenv_path = ".env";
    const Environment dotenv = read_dotenv(dotenv_path.string());
    try {
        config = load_config(with_process_environment(dotenv), command == "serve");
    } catch (const ConfigError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
    log::set_level(config.log_level);
    log::set_format(config.log_format);
    try {
        report_dotenv(dotenv_path, dotenv, command == "serve");
        for (const auto& w : config.warnings) log::warning(w);
        if (command == "serve") return serve(config);
        if (command == "token") return print_token(config, args);
        auto store = open_and_migrate(config);
        if (command == "seed") run_seed(*store, config, reset, std::cout);
        return 0;
    } catch (const ConfigError& e) {
        log::error(e.what());
        return 2;
    } catch (const std::exception& e) {
        log::error(e.what());
        return 1;
    }
}
