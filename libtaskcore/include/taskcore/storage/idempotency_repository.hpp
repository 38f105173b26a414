// Storage interface for idempotency keys: the response a keyed write gave, kept per user so a
// retry with the same key gets it back instead of a second effect.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "taskcore/domain/time.hpp"

namespace taskcore {

// What a write answered, as it will be replayed: the status, the headers that matter to a
// client (Location, ETag; empty when absent) and the body, byte for byte.
struct StoredResponse {
    int status = 0;
    std::string location;
    std::string etag;
    std::string body;
    bool operator==(const StoredResponse&) const = default;
};

struct IdempotencyRecord {
    std::string fingerprint;  // of the request that made it (method, path, body)
    StoredResponse response;
    bool operator==(const IdempotencyRecord&) const = default;
};

class IdempotencyRepository {
  public:
    virtual ~IdempotencyRepository() = default;

    // The live record under (user, key): one created at or after `not_before`.
    virtual std::optional<IdempotencyRecord> find(std::string_view user_id, std::string_view key,
                                                  Timestamp not_before) = 0;
    // Stores the record, replacing an expired one; false (and nothing written) when a live
    // record holds the key. Meant for Store::transaction, next to the write it answers.
    virtual bool insert(std::string_view user_id, std::string_view key,
                        const IdempotencyRecord& record, Timestamp now, Timestamp not_before) = 0;
    // Deletes every record created before `before`; returns how many.
    virtual std::int64_t prune(Timestamp before) = 0;
};

}  // namespace taskcore
