// Keyed writes: look the key up, else run the effect and store its response in one transaction.
#include "taskcore/service/idempotent_writes.hpp"

#include "taskcore/domain/errors.hpp"

namespace taskcore {
namespace {

// Thrown inside the transaction when another request stored the key first: rolls the effect
// back, then the stored response is replayed.
struct KeyTaken {};

// Marks (user, key) as running in this process for the lifetime of the object.
class InFlight {
  public:
    InFlight(std::mutex& mutex, std::set<std::pair<std::string, std::string>, std::less<>>& set,
             std::pair<std::string, std::string> entry)
        : mutex_(mutex), set_(set) {
        std::lock_guard lock(mutex_);
        const auto [it, inserted] = set_.insert(std::move(entry));
        if (!inserted) {
            throw IdempotencyKeyInFlightError(
                "a request with this Idempotency-Key is still being processed; retry later");
        }
        it_ = it;
    }
    ~InFlight() {
        std::lock_guard lock(mutex_);
        set_.erase(it_);
    }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

  private:
    std::mutex& mutex_;
    std::set<std::pair<std::string, std::string>, std::less<>>& set_;
    std::set<std::pair<std::string, std::string>, std::less<>>::iterator it_;
};

}  // namespace

void check_idempotency_key(std::string_view key) {
    if (key.empty() || key.size() > kMaxIdempotencyKeyLength) {
        throw ValidationError(
            "Idempotency-Key",
            "must be 1 to " + std::to_string(kMaxIdempotencyKeyLength) + " characters");
    }
    for (const char c : key) {
        if (c < 0x21 || c > 0x7e) {
            throw ValidationError("Idempotency-Key",
                                  "must be printable ASCII without spaces or control characters");
        }
    }
}

IdempotentWrites::IdempotentWrites(Store& store, std::chrono::milliseconds ttl, Clock clock)
    : store_(store), ttl_(ttl), clock_(clock ? std::move(clock) : Clock(now_ms)) {}

IdempotentOutcome IdempotentWrites::replay(const IdempotencyRecord& record,
                                           const std::string& fingerprint) {
    if (record.fingerprint != fingerprint) {
        throw IdempotencyKeyReusedError(
            "this Idempotency-Key was used with a different request; use a new key");
    }
    return {record.response, true};
}

IdempotentOutcome IdempotentWrites::run(std::string_view user_id, std::string_view key,
                                        const std::string& fingerprint,
                                        const std::function<StoredResponse(UnitOfWork&)>& effect) {
    check_user_id(user_id);
    check_idempotency_key(key);
    InFlight running(in_flight_mutex_, in_flight_, {std::string(user_id), std::string(key)});
    // Two rounds at most: a record that expires between the insert and the lookup lets the
    // second round store ours.
    for (int round = 0; round < 2; ++round) {
        const auto now = clock_();
        const auto not_before = now - ttl_;
        if (auto record = store_.idempotency().find(user_id, key, not_before))
            return replay(*record, fingerprint);
        std::optional<StoredResponse> stored;
        try {
            store_.transaction([&](UnitOfWork& work) {
                auto response = effect(work);
                if (!work.idempotency.insert(user_id, key, {fingerprint, response}, now,
                                             not_before))
                    throw KeyTaken{};  // another instance stored it first: undo ours
                stored = std::move(response);
            });
        } catch (const KeyTaken&) {
            continue;  // replay theirs
        }
        return {std::move(*stored), false};
    }
    throw StorageError("the idempotency record vanished while it was being read");
}

std::int64_t IdempotentWrites::prune() {
    return store_.idempotency().prune(clock_() - ttl_);
}

}  // namespace taskcore
