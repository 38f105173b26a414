// The one table from library error kinds to REST and MCP answers.
#include "http/error_mapping.hpp"

#include "http/etag.hpp"
#include "ops/logger.hpp"

namespace taskcore::server {
namespace {

// "title: must be 1-200 characters; tags[2]: ..." (every problem, so the model fixes them all).
void invalid_input(const Error& error, Failure& f) {
    f.message = "request validation failed: " + f.message;
    if (const auto* e = dynamic_cast<const ValidationError*>(&error)) f.details = e->details();
    f.tool_text = "invalid arguments: ";
    for (std::size_t i = 0; i < f.details.size(); ++i) {
        if (i > 0) f.tool_text += "; ";
        f.tool_text += f.details[i].field + ": " + f.details[i].message;
    }
}

void not_found(const Error&, Failure& f) {
    f.tool_text += ": no such id among the signed-in user's data (list tools show current ids)";
}

void precondition_failed(const Error& error, Failure& f) {
    if (const auto* e = dynamic_cast<const PreconditionFailedError*>(&error)) {
        f.headers.emplace_back(http::field::etag, strong_etag(e->current_version()));
    }
}

void resync_required(const Error& error, Failure& f) {
    if (const auto* e = dynamic_cast<const ResyncRequiredError*>(&error)) {
        f.extra["latest_seq"] = e->latest_seq();
    }
}

void ticket_refused(const Error& error, Failure& f) {
    f.headers.emplace_back(
        http::field::www_authenticate,
        "Bearer error=\"invalid_token\", error_description=\"" + std::string(error.what()) + "\"");
}

void retry_shortly(const Error&, Failure& f) {
    f.headers.emplace_back(http::field::retry_after, "1");
}

void unavailable(const Error& error, Failure& f) {
    log::warning(std::string("database unavailable: ") + error.what());
    f.message = "the database is unavailable; retry shortly";
    f.tool_text = "service unavailable, retry in a few seconds";
    retry_shortly(error, f);
}

void internal(const Error&, Failure& f) {
    f.message = "internal error";
    f.tool_text = "internal error";
}

}  // namespace

const std::array<ErrorMapping, kErrorKinds> kErrorMappings{{
    {ErrorKind::invalid_input, ErrorCode::validation_error, McpAs::tool_error, invalid_input},
    {ErrorKind::malformed_input, ErrorCode::malformed_json, McpAs::tool_error, nullptr},
    {ErrorKind::not_found, ErrorCode::not_found, McpAs::tool_error, not_found},
    {ErrorKind::precondition_failed, ErrorCode::precondition_failed, McpAs::tool_error,
     precondition_failed},
    {ErrorKind::resync_required, ErrorCode::resync_required, McpAs::tool_error, resync_required},
    {ErrorKind::ticket_refused, ErrorCode::unauthorized, McpAs::tool_error, ticket_refused},
    {ErrorKind::ticket_of_other_user, ErrorCode::forbidden, McpAs::tool_error, nullptr},
    {ErrorKind::key_reused, ErrorCode::idempotency_key_reused, McpAs::tool_error, nullptr},
    {ErrorKind::key_in_flight, ErrorCode::idempotency_key_in_flight, McpAs::tool_error,
     retry_shortly},
    {ErrorKind::unavailable, ErrorCode::service_unavailable, McpAs::tool_error, unavailable},
    {ErrorKind::storage, ErrorCode::internal_error, McpAs::internal_error, internal},
    {ErrorKind::invalid_key, ErrorCode::internal_error, McpAs::internal_error, internal},
}};

Failure describe_failure(const Error& error) {
    const auto& row = kErrorMappings[static_cast<std::size_t>(error.kind())];
    Failure f;
    f.code = row.code;
    f.mcp = row.mcp;
    f.message = error.what();
    f.tool_text = error.what();
    if (row.refine != nullptr) row.refine(error, f);
    return f;
}

}  // namespace taskcore::server
