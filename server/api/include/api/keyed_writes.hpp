// Idempotency-Key on the write routes that take it (POST creates, PATCH …/complete): the header,
// the request's fingerprint, and a stored response turned back into an answer.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/request_context.hpp"
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

}  // namespace taskcore::server
