// Error family constructors (messages name the first failing field for logs).
#include "taskcore/domain/errors.hpp"

namespace taskcore {
namespace {

std::string summary(const std::vector<FieldError>& details) {
    if (details.empty()) return "validation failed";
    return details.front().field + ": " + details.front().message;
}

}  // namespace

ValidationError::ValidationError(std::vector<FieldError> details)
    : Error(ErrorKind::invalid_input, summary(details)), details_(std::move(details)) {}

ValidationError::ValidationError(std::string field, std::string message)
    : ValidationError(std::vector<FieldError>{{std::move(field), std::move(message)}}) {}

}  // namespace taskcore
