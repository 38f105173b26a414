// Start-up, serving and graceful shutdown of `taskcore-server serve`.
#include "app/server_lifecycle.hpp"

#include <string>

#include "app/startup.hpp"
#include "ops/logger.hpp"
#include "taskcore/storage/heap_tuning.hpp"

namespace taskcore::server {

namespace {

// Runs before any other member is built: SQLite writers stay off the page-fault path.
std::unique_ptr<Store> open_serving_store(const Config& config) {
    storage::keep_heap_tops();
    return open_and_migrate(config, /*serving=*/true);
}

}  // namespace

ServerLifecycle::ServerLifecycle(const Config& config)
    : config_(config),
      store_(open_serving_store(config)),
      verifier_(config.better_auth_secret, key_source(config), jwt_options(config)),
      metrics_(RouteMatcher(config.api_prefix, mcp_path_of(config)).labels()),
      io_(config.threads),
      workers_(worker_threads(config, *store_)),
      api_(config, *store_, verifier_, workers_.get_executor(), &metrics_),
      server_(config, api_, metrics_, io_),
      metrics_listener_(io_.main(), [this] { return api_.metrics_document(); }),
      maintenance_(config, *store_, io_.main(), workers_),
      streams_timer_(io_.main()),
      signals_(io_.main(), SIGINT, SIGTERM) {
    attach_database_connections();
}

// PostgreSQL reads run on each I/O thread's own pipelined connection (DB_PIPELINE=false: all
// work on the blocking pool). Writes on any instance wake this instance's streams through one
// LISTEN connection (SQLite: one process owns the file; the API's in-process wake-ups suffice).
void ServerLifecycle::attach_database_connections() {
    if (store_->backend() != "postgresql") return;
    if (config_.db_pipeline) {
        for (const auto& context : io_.contexts()) {
            api_.add_pipelined_reads(
                *context, open_pipelined_reads(config_.database_url, store_options(config_),
                                               context->get_executor()));
        }
    }
    listener_ = start_change_listener(config_, api_.events(), io_, workers_);
}

int ServerLifecycle::run() {
    const auto endpoint = server_.listen();
    server_.start_accepting();
    announce(endpoint);
    maintenance_.start();
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
        if (!ec) on_signal(signal);
    });
    io_.run();
    workers_.join();
    log::info("shut down cleanly");
    return 0;
}

void ServerLifecycle::announce(const boost::asio::ip::tcp::endpoint& endpoint) {
    log::info("listening on http://" + endpoint.address().to_string() + ":" +
              std::to_string(endpoint.port()) + " (" + std::to_string(config_.threads) +
              " I/O threads" + (api_.pipelines() > 0 ? ", PostgreSQL reads pipelined" : "") + ")");
    if (config_.metrics_port) {
        const auto at = metrics_listener_.start(config_.metrics_host, *config_.metrics_port);
        log::info("metrics on http://" + at.address().to_string() + ":" +
                  std::to_string(at.port()) + "/metrics (not on the public port)");
    }
}

void ServerLifecycle::on_signal(int signal) {
    log::info("signal " + std::to_string(signal) + " received; finishing in-flight requests");
    maintenance_.stop();
    metrics_listener_.stop();
    if (listener_) listener_->stop();
    api_.events().shutdown();  // streams end first, so their clients reconnect elsewhere
    server_.shutdown(config_.shutdown_grace, [this] {
        stop_when_streams_ended(std::chrono::steady_clock::now() + std::chrono::seconds{2});
    });
}

void ServerLifecycle::stop_when_streams_ended(std::chrono::steady_clock::time_point deadline) {
    if (api_.events().streams() == 0 || std::chrono::steady_clock::now() > deadline) {
        return io_.stop();
    }
    streams_timer_.expires_after(std::chrono::milliseconds{20});
    streams_timer_.async_wait(
        [this, deadline](const boost::system::error_code&) { stop_when_streams_ended(deadline); });
}

}  // namespace taskcore::server
