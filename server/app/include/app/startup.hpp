// What the server and the one-shot commands build from the configuration before they run:
// the store, the JWT keys, the worker pool's size, the change listener.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <memory>

#include "events/event_hub.hpp"
#include "net/io_threads.hpp"
#include "ops/config.hpp"
#include "taskcore/auth/jwt_verifier.hpp"
#include "taskcore/storage/change_listener.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore::server {

// `serving`: the server announces its own writes to the other instances, coalesced
// (ChangeListener::announce), so its sessions leave the change-log trigger's NOTIFY out.
StoreOptions store_options(const Config& config, bool serving = false);

// Opens DATABASE_URL and applies pending migrations.
std::unique_ptr<Store> open_and_migrate(const Config& config, bool serving = false);

// The JWT verifier's settings and keys (HS256 secret, JWKS URL or file).
JwtOptions jwt_options(const Config& config);
std::shared_ptr<KeySource> key_source(const Config& config);

// Threads that run database work on the blocking pool.
std::size_t worker_threads(const Config& config, Store& store);

// The change listener of this instance, started and attached to `events`.
std::shared_ptr<ChangeListener> start_change_listener(const Config& config, EventHub& events,
                                                      IoThreads& io,
                                                      boost::asio::thread_pool& workers);

}  // namespace taskcore::server
