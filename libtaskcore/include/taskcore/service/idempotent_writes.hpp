// Idempotency keys (draft-ietf-httpapi-idempotency-key-header) as a use case: a keyed write runs
// once per user and key; a retry with the same request gets the stored response back.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "taskcore/domain/errors.hpp"
#include "taskcore/service/task_service.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore {

// The longest key accepted (the draft leaves it open; 255 fits any UUID or ULID scheme).
inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;

// 1..255 printable ASCII characters (no control characters, no white space at the ends);
// ValidationError on field "Idempotency-Key" otherwise.
void check_idempotency_key(std::string_view key);

// The key was used before with another request (method, path or body): 422.
class IdempotencyKeyReusedError : public Error {
  public:
    explicit IdempotencyKeyReusedError(const std::string& message)
        : Error(ErrorKind::key_reused, message) {}
};

// The first request with this key is still being processed (here): 409; retry later.
class IdempotencyKeyInFlightError : public Error {
  public:
    explicit IdempotencyKeyInFlightError(const std::string& message)
        : Error(ErrorKind::key_in_flight, message) {}
};

struct IdempotentOutcome {
    StoredResponse response;
    bool replayed = false;  // true: the stored response of an earlier request
};

class IdempotentWrites {
  public:
    // Records live `ttl` (IDEMPOTENCY_TTL_HOURS); an empty clock means now_ms().
    IdempotentWrites(Store& store, std::chrono::milliseconds ttl, Clock clock = {});

    // Runs `effect` (the write, through the given repositories, returning what to answer) and
    // stores its response under (user, key) in the same transaction: a crash leaves both or
    // neither. A later call with the same key and `fingerprint` returns the stored response;
    // another fingerprint is IdempotencyKeyReusedError; a call while the first one runs in this
    // process is IdempotencyKeyInFlightError (one running in another instance is waited for by
    // the database, then replayed). An effect that throws stores nothing: its retry runs again.
    IdempotentOutcome run(std::string_view user_id, std::string_view key,
                          const std::string& fingerprint,
                          const std::function<StoredResponse(UnitOfWork&)>& effect);

    // Deletes records older than the TTL; returns how many.
    std::int64_t prune();

  private:
    IdempotentOutcome replay(const IdempotencyRecord& record, const std::string& fingerprint);

    Store& store_;
    std::chrono::milliseconds ttl_;
    Clock clock_;
    std::mutex in_flight_mutex_;
    std::set<std::pair<std::string, std::string>, std::less<>> in_flight_;
};

}  // namespace taskcore
