// The library's error family: every error it throws is a taskcore::Error carrying a kind, so a
// caller maps kinds (the server: to an HTTP status and an MCP answer, in one table) instead of
// catching each type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "taskcore/domain/time.hpp"

namespace taskcore {

// What went wrong, as a caller acts on it.
enum class ErrorKind : std::uint8_t {
    invalid_input,         // ValidationError: a rule of the API broken (field by field)
    malformed_input,       // json::MalformedJsonError: not strict JSON, or not UTF-8
    not_found,             // NotFoundError
    precondition_failed,   // PreconditionFailedError: a conditional write on another version
    resync_required,       // ResyncRequiredError
    ticket_refused,        // TicketRefusedError: forged, expired or used
    ticket_of_other_user,  // TicketRefusedError: another user's ticket
    key_reused,            // IdempotencyKeyReusedError
    key_in_flight,         // IdempotencyKeyInFlightError
    unavailable,           // StorageUnavailableError: retrying later may succeed
    storage,               // StorageError: any other storage failure
    invalid_key,           // InvalidJwkError: a key that cannot verify anything
};
inline constexpr std::size_t kErrorKinds = 12;

// The base of every error of the library; catch it to handle them all by kind().
class Error : public std::runtime_error {
  public:
    [[nodiscard]] ErrorKind kind() const noexcept { return kind_; }

  protected:
    // Only the types below choose a kind, so a kind always names its type.
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}

  private:
    ErrorKind kind_;
};

struct FieldError {
    std::string field;
    std::string message;
    bool operator==(const FieldError&) const = default;
};

// Input that breaks a rule of the API; carries every field error found, not just the first.
class ValidationError : public Error {
  public:
    explicit ValidationError(std::vector<FieldError> details);
    ValidationError(std::string field, std::string message);
    [[nodiscard]] const std::vector<FieldError>& details() const { return details_; }

  private:
    std::vector<FieldError> details_;
};

// No such resource for this user (another user's resource looks exactly the same).
class NotFoundError : public Error {
  public:
    explicit NotFoundError(const std::string& message) : Error(ErrorKind::not_found, message) {}
};

// A conditional write whose precondition does not hold: the resource exists, at another version.
class PreconditionFailedError : public Error {
  public:
    explicit PreconditionFailedError(Timestamp current_version)
        : Error(ErrorKind::precondition_failed, "the resource was changed since that version"),
          current_version_(current_version) {}
    [[nodiscard]] Timestamp current_version() const { return current_version_; }

  private:
    Timestamp current_version_;
};

// A change-log position the log no longer covers (older than the retained history, or past the
// user's latest seq: another database): the client lists afresh and follows from latest_seq.
class ResyncRequiredError : public Error {
  public:
    explicit ResyncRequiredError(std::int64_t latest_seq)
        : Error(ErrorKind::resync_required,
                "the change log no longer covers that position; list again and "
                "follow from meta.latest_seq"),
          latest_seq_(latest_seq) {}
    [[nodiscard]] std::int64_t latest_seq() const { return latest_seq_; }

  private:
    std::int64_t latest_seq_;
};

// An event-stream ticket that opens nothing: forged or not a ticket, expired, used before, or
// another user's (the message is safe to show; nothing of the ticket is echoed).
class TicketRefusedError : public Error {
  public:
    enum class Reason { invalid, expired, used, other_user };
    TicketRefusedError(Reason reason, const std::string& message)
        : Error(reason == Reason::other_user ? ErrorKind::ticket_of_other_user
                                             : ErrorKind::ticket_refused,
                message),
          reason_(reason) {}
    [[nodiscard]] Reason reason() const { return reason_; }

  private:
    Reason reason_;
};

// The database cannot be reached or is overloaded right now; retrying later may succeed.
class StorageUnavailableError : public Error {
  public:
    explicit StorageUnavailableError(const std::string& message)
        : Error(ErrorKind::unavailable, message) {}
};

// Any other storage failure (constraint broken, schema mismatch, ...).
class StorageError : public Error {
  public:
    explicit StorageError(const std::string& message) : Error(ErrorKind::storage, message) {}
};

}  // namespace taskcore
