// Write safety for every route alike, from the route table's flags: If-Match read into the
// request's precondition, Idempotency-Key on the keyed writes (the header, the request's
// fingerprint, a stored response turned back into an answer). Handlers repeat neither.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/request_context.hpp"
#include "api/route.hpp"
#include "http/async_services.hpp"
#include "http/http_types.hpp"

namespace taskcore::server {

// The Idempotency-Key header's value, or nullopt when the request has none. The rules (length,
// characters) are the library's: IdempotentWrites checks them.
std::optional<std::string> idempotency_key(const Request& request);

// Runs `write` once for (user, key): `write` does the effect through the given repositories and
// renders its answer, all inside the transaction that stores it. A retry with the same method,
// target and body gets that answer back, byte for byte, plus `Idempotent-Replayed: true`.
Awaitable<Response> respond_once(RequestContext& ctx, std::string key,
                                 std::function<Response(UnitOfWork&)> write);

// Serves `operation`: reads If-Match when it is conditional, runs a keyed write once per key,
// an unkeyed one with autocommit repositories, anything else through its handler.
Awaitable<Response> run_operation(RequestContext& ctx, const Operation& operation);

}  // namespace taskcore::server
