// Hourly pruning of idempotency records, old change-log entries and used tickets.
#include "app/maintenance.hpp"

#include <boost/asio/post.hpp>

#include <exception>
#include <string>

#include "ops/logger.hpp"
#include "taskcore/domain/time.hpp"

namespace taskcore::server {

Maintenance::Maintenance(const Config& config, Store& store, boost::asio::io_context& io,
                         boost::asio::thread_pool& workers)
    : config_(config),
      store_(store),
      workers_(workers),
      keyed_writes_(store, config.idempotency_ttl),
      timer_(io) {}

void Maintenance::start() {
    schedule(std::chrono::minutes{1});
}

void Maintenance::stop() {
    timer_.cancel();
}

void Maintenance::schedule(std::chrono::seconds after) {
    timer_.expires_after(after);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        boost::asio::post(workers_, [this] { prune(); });
        schedule(std::chrono::hours{1});
    });
}

void Maintenance::prune() {
    try {
        keyed_writes_.prune();
    } catch (const std::exception& e) {
        log::warning(std::string("pruning idempotency keys failed: ") + e.what());
    }
    try {
        store_.changes().prune(now_ms() - config_.changes_retention);
    } catch (const std::exception& e) {
        log::warning(std::string("pruning the change log failed: ") + e.what());
    }
    try {
        store_.tickets().prune(now_ms());
    } catch (const std::exception& e) {
        log::warning(std::string("pruning used event tickets failed: ") + e.what());
    }
}

}  // namespace taskcore::server
