// Every error code the server sends, with its HTTP status: the one list the router, the network
// layer, the metrics and the OpenAPI document all read.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_types.hpp"
#include "taskcore/domain/errors.hpp"

namespace taskcore::server {

enum class ErrorCode : std::uint8_t {
    bad_request,
    malformed_json,
    unauthorized,
    forbidden,
    not_found,
    method_not_allowed,
    idempotency_key_in_flight,
    payload_too_large,
    unsupported_media_type,
    validation_error,
    precondition_failed,
    resync_required,
    idempotency_key_reused,
    rate_limited,
    request_header_fields_too_large,
    internal_error,
    service_unavailable,
};

struct ErrorInfo {
    ErrorCode code;
    std::string_view name;  // the envelope's error.code
    http::status status;
    std::string_view when;  // for the OpenAPI document and docs/api.md
};

// Indexed by ErrorCode.
inline constexpr std::array<ErrorInfo, 17> kErrorCatalogue{{
    {ErrorCode::bad_request, "BAD_REQUEST", http::status::bad_request,
     "the request is not HTTP/1.1 as the server understands it"},
    {ErrorCode::malformed_json, "MALFORMED_JSON", http::status::bad_request,
     "the body is not strict JSON or not UTF-8"},
    {ErrorCode::unauthorized, "UNAUTHORIZED", http::status::unauthorized,
     "bearer token missing, malformed, badly signed, expired or not accepted"},
    {ErrorCode::forbidden, "FORBIDDEN", http::status::forbidden,
     "the path's user differs from the token's user"},
    {ErrorCode::not_found, "NOT_FOUND", http::status::not_found,
     "no such route, or no such resource for this user"},
    {ErrorCode::method_not_allowed, "METHOD_NOT_ALLOWED", http::status::method_not_allowed,
     "known path, method not served there (see Allow)"},
    {ErrorCode::idempotency_key_in_flight, "IDEMPOTENCY_KEY_IN_FLIGHT", http::status::conflict,
     "the first request with this Idempotency-Key is still being processed; see Retry-After"},
    {ErrorCode::payload_too_large, "PAYLOAD_TOO_LARGE", http::status::payload_too_large,
     "body over MAX_BODY_BYTES"},
    {ErrorCode::unsupported_media_type, "UNSUPPORTED_MEDIA_TYPE",
     http::status::unsupported_media_type, "a body sent without Content-Type: application/json"},
    {ErrorCode::validation_error, "VALIDATION_ERROR", http::status::unprocessable_entity,
     "wrong types, broken rules, unknown fields or bad query parameters"},
    {ErrorCode::precondition_failed, "PRECONDITION_FAILED", http::status::precondition_failed,
     "If-Match names another version than the current one (its ETag is in the answer)"},
    {ErrorCode::resync_required, "RESYNC_REQUIRED", http::status::gone,
     "the change log no longer covers `since` (pruned, or past the latest seq): list again, "
     "then follow from error.latest_seq"},
    {ErrorCode::idempotency_key_reused, "IDEMPOTENCY_KEY_REUSED",
     http::status::unprocessable_entity,
     "this Idempotency-Key was used with another method, path or body"},
    {ErrorCode::rate_limited, "RATE_LIMITED", http::status::too_many_requests,
     "over RATE_LIMIT_PER_MINUTE for this user (or, unauthenticated, this address); see "
     "Retry-After"},
    {ErrorCode::request_header_fields_too_large, "REQUEST_HEADER_FIELDS_TOO_LARGE",
     http::status::request_header_fields_too_large, "request header block over 8 KiB"},
    {ErrorCode::internal_error, "INTERNAL_ERROR", http::status::internal_server_error,
     "an unexpected failure (no internals are shown)"},
    {ErrorCode::service_unavailable, "SERVICE_UNAVAILABLE", http::status::service_unavailable,
     "the database is unreachable or saturated; retry after Retry-After"},
}};

constexpr const ErrorInfo& error_info(ErrorCode code) {
    return kErrorCatalogue[static_cast<std::size_t>(code)];
}

// An error answer raised anywhere while handling a request; Api::handle maps it to the envelope.
struct ApiError : std::runtime_error {
    ApiError(ErrorCode code_, const std::string& message,
             std::vector<std::pair<http::field, std::string>> headers_ = {})
        : std::runtime_error(message), code(code_), headers(std::move(headers_)) {}

    ErrorCode code;
    std::vector<std::pair<http::field, std::string>> headers;
};

}  // namespace taskcore::server
