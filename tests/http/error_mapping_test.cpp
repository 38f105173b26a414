// The one table from library error kinds to REST codes and MCP answers.
#include <catch2/catch.hpp>

#include "http/error_mapping.hpp"
#include "taskcore/auth/jwk.hpp"
#include "taskcore/json/requests.hpp"
#include "taskcore/service/idempotent_writes.hpp"

using namespace taskcore;
using namespace taskcore::server;

TEST_CASE("every error kind has its row, in kind order") {
    for (std::size_t i = 0; i < kErrorMappings.size(); ++i) {
        CAPTURE(i);
        CHECK(static_cast<std::size_t>(kErrorMappings[i].kind) == i);
    }
}

TEST_CASE("each library error maps to its REST code and MCP answer") {
    const auto check = [](const Error& e, ErrorCode code, McpAs mcp) {
        CAPTURE(e.what());
        const auto f = describe_failure(e);
        CHECK(f.code == code);
        CHECK(f.mcp == mcp);
    };
    check(ValidationError("title", "too long"), ErrorCode::validation_error, McpAs::tool_error);
    check(json::MalformedJsonError("bad"), ErrorCode::malformed_json, McpAs::tool_error);
    check(NotFoundError("task not found"), ErrorCode::not_found, McpAs::tool_error);
    check(PreconditionFailedError(Timestamp{std::chrono::milliseconds{1234}}),
          ErrorCode::precondition_failed, McpAs::tool_error);
    check(ResyncRequiredError(7), ErrorCode::resync_required, McpAs::tool_error);
    check(TicketRefusedError(TicketRefusedError::Reason::expired, "expired"),
          ErrorCode::unauthorized, McpAs::tool_error);
    check(TicketRefusedError(TicketRefusedError::Reason::other_user, "not yours"),
          ErrorCode::forbidden, McpAs::tool_error);
    check(IdempotencyKeyReusedError("reused"), ErrorCode::idempotency_key_reused,
          McpAs::tool_error);
    check(IdempotencyKeyInFlightError("busy"), ErrorCode::idempotency_key_in_flight,
          McpAs::tool_error);
    check(StorageUnavailableError("down"), ErrorCode::service_unavailable, McpAs::tool_error);
    check(StorageError("constraint x"), ErrorCode::internal_error, McpAs::internal_error);
    check(InvalidJwkError("bad key"), ErrorCode::internal_error, McpAs::internal_error);
}

TEST_CASE("a failure carries what its kind adds, and an internal one hides its cause") {
    const auto validation = describe_failure(ValidationError(
        std::vector<FieldError>{{"title", "must be 1-200 characters"}, {"tags[2]", "too long"}}));
    CHECK(validation.details.size() == 2);
    CHECK(validation.tool_text ==
          "invalid arguments: title: must be 1-200 characters; tags[2]: too long");

    const auto stale =
        describe_failure(PreconditionFailedError(Timestamp{std::chrono::milliseconds{1234}}));
    REQUIRE(stale.headers.size() == 1);
    CHECK(stale.headers[0].first == http::field::etag);

    CHECK(describe_failure(ResyncRequiredError(42)).extra.at("latest_seq").as_int64() == 42);

    const auto busy = describe_failure(IdempotencyKeyInFlightError("busy"));
    REQUIRE(busy.headers.size() == 1);
    CHECK(busy.headers[0] == std::pair{http::field::retry_after, std::string("1")});

    const auto internal = describe_failure(StorageError("duplicate key in secret_table"));
    CHECK(internal.message == "internal error");
    CHECK(internal.tool_text.find("secret_table") == std::string::npos);
}
