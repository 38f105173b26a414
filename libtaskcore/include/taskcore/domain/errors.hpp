// The library's error family; the server maps each kind to one HTTP status in one place.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "taskcore/domain/time.hpp"

namespace taskcore {

struct FieldError {
    std::string field;
    std::string message;
    bool operator==(const FieldError&) const = default;
};

// Input that breaks a rule of the API; carries every field error found, not just the first.
class ValidationError : public std::runtime_error {
  public:
    explicit ValidationError(std::vector<FieldError> details);
    ValidationError(std::string field, std::string message);
    [[nodiscard]] const std::vector<FieldError>& details() const { return details_; }

  private:
    std::vector<FieldError> details_;
};

// No such resource for this user (another user's resource looks exactly the same).
class NotFoundError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A conditional write whose precondition does not hold: the resource exists, at another version.
class PreconditionFailedError : public std::runtime_error {
  public:
    explicit PreconditionFailedError(Timestamp current_version)
        : std::runtime_error("the resource was changed since that version"),
          current_version_(current_version) {}
    [[nodiscard]] Timestamp current_version() const { return current_version_; }

  private:
    Timestamp current_version_;
};

// A change-log position the log no longer covers (older than the retained history, or past the
// user's latest seq: another database): the client lists afresh and follows from latest_seq.
class ResyncRequiredError : public std::runtime_error {
  public:
    explicit ResyncRequiredError(std::int64_t latest_seq)
        : std::runtime_error(
              "the change log no longer covers that position; list again and "
              "follow from meta.latest_seq"),
          latest_seq_(latest_seq) {}
    [[nodiscard]] std::int64_t latest_seq() const { return latest_seq_; }

  private:
    std::int64_t latest_seq_;
};

// An event-stream ticket that opens nothing: forged or not a ticket, expired, used before, or
// another user's (the message is safe to show; nothing of the ticket is echoed).
class TicketRefusedError : public std::runtime_error {
  public:
    enum class Reason { invalid, expired, used, other_user };
    TicketRefusedError(Reason reason, const std::string& message)
        : std::runtime_error(message), reason_(reason) {}
    [[nodiscard]] Reason reason() const { return reason_; }

  private:
    Reason reason_;
};

// The database cannot be reached or is overloaded right now; retrying later may succeed.
class StorageUnavailableError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Any other storage failure (constraint broken, schema mismatch, ...).
class StorageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace taskcore
