// How REST and MCP answer a library error: one row per ErrorKind gives its error code (and so
// its HTTP status), whether an MCP tool call reports it as an isError result the model can act
// on or as a JSON-RPC internal error, and what else the answer carries. Both surfaces read it.
#pragma once

#include <boost/json/object.hpp>

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "http/error_catalogue.hpp"
#include "taskcore/domain/errors.hpp"

namespace taskcore::server {

enum class McpAs : std::uint8_t {
    tool_error,      // a tools/call result with isError: true and the text below
    internal_error,  // a JSON-RPC internal error; nothing of the cause is shown
};

// A library error as either surface sends it.
struct Failure {
    ErrorCode code = ErrorCode::internal_error;
    std::string message;              // REST: error.message
    std::vector<FieldError> details;  // REST: error.details
    boost::json::object extra;        // REST: more members of error (latest_seq, ...)
    std::vector<std::pair<http::field, std::string>> headers;  // REST: ETag, Retry-After, ...
    McpAs mcp = McpAs::internal_error;
    std::string tool_text;  // MCP: the isError result's text
};

struct ErrorMapping {
    ErrorKind kind;
    ErrorCode code;
    McpAs mcp;
    // What this kind adds to the plain answer (the error's message on both surfaces).
    void (*refine)(const Error& error, Failure& failure);
};

// Indexed by ErrorKind.
extern const std::array<ErrorMapping, kErrorKinds> kErrorMappings;

// The answer to `error`. An internal one (storage, invalid_key) says nothing of its cause: the
// caller logs what() with its request id. An unavailable database is logged here, as a warning.
Failure describe_failure(const Error& error);

}  // namespace taskcore::server
