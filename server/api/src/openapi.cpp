// OpenAPI 3.1 document: paths from the route table, error codes from the catalogue, the version
// from the build; the schemas, the envelope and bearer auth are written here.
#include "api/openapi.hpp"

#include <boost/json.hpp>

#include <array>

#include "api/openapi_schemas.hpp"
#include "api/route_matcher.hpp"
#include "api/route_table.hpp"
#include "http/error_catalogue.hpp"
#include "taskcore/version.hpp"

namespace taskcore::server {
namespace {

// Everything but the paths, the error-code enum and the version, which are filled in below.
constexpr std::string_view kDocument = R"json({
  "openapi": "3.1.0",
  "info": {"title": "taskcore API", "version": "",
           "description": "Tasks, conversations and messages, scoped to the user of the bearer token. Every error is the envelope {error: {code, message, details?}, meta}; a 401 says why in WWW-Authenticate's error_description.",
           "license": {"name": "MIT", "identifier": "MIT"}},
  "servers": [],
  "security": [{"bearerAuth": []}, {"betterAuthJwt": []}],
  "tags": [{"name": "tasks", "description": "A user's tasks"},
           {"name": "conversations", "description": "A user's chat conversations and their messages"},
           {"name": "system", "description": "Health, this document and metrics (no token)"},
           {"name": "mcp", "description": "The Model Context Protocol endpoint for AI agents"},
           {"name": "sync", "description": "The user's change log: every write, in commit order"}],
  "paths": {},
  "components": {
    "securitySchemes": {
      "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "HS256 token signed with the shared BETTER_AUTH_SECRET; the user is the sub (or userId, id) claim"},
      "betterAuthJwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A Better Auth JWT plugin token (EdDSA, ES256/384/512, RS256/512, PS256), verified by kid against the JWKS at JWKS_URL or {BETTER_AUTH_URL}/api/auth/jwks"},
      "eventTicket": {"type": "apiKey", "in": "query", "name": "ticket", "description": "A one-time ticket from POST /api/{user_id}/events/ticket (30 s, single use, any instance): for EventSource, which cannot send headers"}},
    "parameters": {
      "UserId": {"name": "user_id", "in": "path", "required": true, "description": "Must equal the token's user id (percent-encoded)", "schema": {"type": "string", "minLength": 1, "maxLength": 255}},
      "Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
      "Limit50": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
      "Offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
      "Cursor": {"name": "cursor", "in": "query", "description": "meta.next_cursor of the previous page (opaque): the page after its last row, by an index range scan, stable while rows are inserted and deleted. A task cursor keeps the filters and sort it was made with (repeat them unchanged or leave them out); not with offset; a changed cursor or one of another list: 422", "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}},
      "IfNoneMatch": {"name": "If-None-Match", "in": "header", "description": "ETags the client holds (weak comparison) or *: 304 while one still matches", "schema": {"type": "string"}},
      "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "description": "1-255 printable characters; the first request's response is stored for IDEMPOTENCY_TTL_HOURS and replayed (Idempotent-Replayed: true) to a retry with the same method, path and body; another body: 422 IDEMPOTENCY_KEY_REUSED; while the first runs: 409 IDEMPOTENCY_KEY_IN_FLIGHT", "schema": {"type": "string", "minLength": 1, "maxLength": 255}},
      "IfMatch": {"name": "If-Match", "in": "header", "description": "Apply only at this version (strong ETags, or * for any): checked inside the write, else 412 with the current ETag", "schema": {"type": "string"}}},
    "headers": {
      "ETag": {"description": "Strong ETag of an item (its version), weak ETag of a list page", "schema": {"type": "string"}},
      "Link": {"description": "RFC 8288 link to the next page, <path?cursor=...&limit=n>; rel=\"next\" (absent on the last page)", "schema": {"type": "string"}}},
    "schemas": {
      "Priority": {"type": "string", "enum": ["low", "medium", "high"]},
      "Timestamp": {"type": "string", "format": "date-time", "examples": ["2026-11-22T20:19:49.123Z"]},
      "Change": {"type": "object", "required": ["seq", "event", "kind", "op", "id", "at", "data"],
        "properties": {"seq": {"type": "integer", "minimum": 1, "description": "Per user: 1, 2, 3, ... in commit order, no gaps"},
          "event": {"type": "string", "enum": ["task.created", "task.updated", "task.deleted", "conversation.created", "conversation.deleted", "message.created"]},
          "kind": {"type": "string", "enum": ["task", "conversation", "message"]}, "op": {"type": "string", "enum": ["created", "updated", "deleted"]},
          "id": {"type": "string", "format": "uuid"}, "conversation_id": {"type": "string", "format": "uuid", "description": "A message's conversation"},
          "at": {"$ref": "#/components/schemas/Timestamp"},
          "data": {"description": "The object as it is now, or a tombstone once it is gone (deleted by this change or a later one)",
            "anyOf": [{"$ref": "#/components/schemas/Task"}, {"$ref": "#/components/schemas/Conversation"}, {"$ref": "#/components/schemas/Message"}, {"$ref": "#/components/schemas/Tombstone"}]}},
        "examples": [{"seq": 7, "event": "task.deleted", "kind": "task", "op": "deleted", "id": "019ad3a4-5b6c-7d8e-9f01-23456789abcd", "at": "2026-12-01T09:30:00.000Z",
          "data": {"id": "019ad3a4-5b6c-7d8e-9f01-23456789abcd", "deleted": true}}]},
      "EventTicketResponse": {"type": "object", "required": ["data", "meta"], "properties": {"data": {"type": "object", "required": ["ticket", "expires_in"], "properties": {"ticket": {"type": "string", "description": "Pass as GET /api/{user_id}/events?ticket="}, "expires_in": {"type": "integer", "description": "Seconds it stays valid", "example": 30}}}, "meta": {"$ref": "#/components/schemas/Meta"}}},
      "ChangesMeta": {"allOf": [{"$ref": "#/components/schemas/Meta"}, {"type": "object", "required": ["count", "since", "next_since", "has_more", "latest_seq"],
        "properties": {"count": {"type": "integer"}, "since": {"type": "integer"}, "next_since": {"type": "integer", "description": "Pass as since= for the next call (the last seq of this page)"},
          "has_more": {"type": "boolean"}, "latest_seq": {"type": "integer", "description": "The user's latest seq (0 before the first write)"}}}]},
      "Meta": {"type": "object", "required": ["timestamp", "request_id"],
        "properties": {"timestamp": {"$ref": "#/components/schemas/Timestamp"}, "request_id": {"type": "string"}}},
      "ListMeta": {"allOf": [{"$ref": "#/components/schemas/Meta"}, {"type": "object", "required": ["count", "total", "limit", "offset", "next_cursor"],
        "properties": {"count": {"type": "integer"}, "total": {"type": "integer", "description": "Every row the filters select (not only those after the page)"}, "limit": {"type": "integer"}, "offset": {"type": "integer", "description": "0 on cursor pages"},
          "next_cursor": {"type": ["string", "null"], "description": "Pass as cursor= for the next page; null on the last page"}}}]},
      "Error": {"type": "object", "required": ["error", "meta"],
        "properties": {"error": {"type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string", "enum": []},
              "message": {"type": "string"},
              "details": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
          "meta": {"$ref": "#/components/schemas/Meta"}},
        "examples": [{"error": {"code": "VALIDATION_ERROR", "message": "request validation failed: title: must be 1-200 characters",
          "details": [{"field": "title", "message": "must be 1-200 characters"}]},
          "meta": {"timestamp": "2026-12-01T09:30:00.000Z", "request_id": "019ad3a4-5b6c-7d8e-9f01-23456789abce"}}]},
      "Health": {"type": "object", "properties": {"status": {"type": "string", "enum": ["healthy", "degraded", "unhealthy"]},
        "database": {"type": "string", "enum": ["connected", "disconnected"]}, "backend": {"type": "string", "enum": ["sqlite", "postgresql"]}, "version": {"type": "string"},
        "unreachable_nodes": {"type": "array", "items": {"type": "string"}, "description": "degraded only: the Citus workers (host:port) that do not answer; their users get 503s"}}}
    },
    "responses": {
      "NotModified": {"description": "If-None-Match still holds: no body", "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}},
      "PreconditionFailed": {"description": "If-Match does not name the current version", "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Task": {"description": "A task", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Task"}, "meta": {"$ref": "#/components/schemas/Meta"}}}}}},
      "TaskCreated": {"description": "The created task", "headers": {"Location": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Task"}, "meta": {"$ref": "#/components/schemas/Meta"}}}}}},
      "TaskList": {"description": "A page of tasks", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}, "meta": {"$ref": "#/components/schemas/ListMeta"}}}}}},
      "Conversation": {"description": "A conversation", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Conversation"}, "meta": {"$ref": "#/components/schemas/Meta"}}}}}},
      "ConversationList": {"description": "A page of conversations", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Conversation"}}, "meta": {"$ref": "#/components/schemas/ListMeta"}}}}}},
      "Message": {"description": "A message", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Message"}, "meta": {"$ref": "#/components/schemas/Meta"}}}}}},
      "MessageList": {"description": "A page of messages", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}}, "meta": {"$ref": "#/components/schemas/ListMeta"}}}}}},
      "ChangePage": {"description": "The user's changes after since, oldest first", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Change"}}, "meta": {"$ref": "#/components/schemas/ChangesMeta"}}}}}},
      "Deleted": {"description": "Deleted", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "object", "properties": {"id": {"type": "string"}, "deleted": {"type": "boolean"}}}, "meta": {"$ref": "#/components/schemas/Meta"}}}}}}
    }
  }
})json";

// The error responses, one component per status, each an envelope example of its catalogue
// code; operations reference them by status (add_error_responses).
struct ErrorResponse {
    std::string_view status;
    ErrorCode example;
    std::string_view header;  // a header the response carries, or empty
};
constexpr std::array kErrorResponses{
    ErrorResponse{"400", ErrorCode::malformed_json, ""},
    ErrorResponse{"401", ErrorCode::unauthorized, "WWW-Authenticate"},
    ErrorResponse{"403", ErrorCode::forbidden, ""},
    ErrorResponse{"404", ErrorCode::not_found, ""},
    ErrorResponse{"405", ErrorCode::method_not_allowed, "Allow"},
    ErrorResponse{"409", ErrorCode::idempotency_key_in_flight, "Retry-After"},
    ErrorResponse{"410", ErrorCode::resync_required, ""},
    ErrorResponse{"413", ErrorCode::payload_too_large, ""},
    ErrorResponse{"415", ErrorCode::unsupported_media_type, ""},
    ErrorResponse{"422", ErrorCode::validation_error, ""},
    ErrorResponse{"429", ErrorCode::rate_limited, "Retry-After"},
    ErrorResponse{"503", ErrorCode::service_unavailable, "Retry-After"},
};

std::string error_name(std::string_view status) {
    return "Error" + std::string(status);
}
std::string error_component(std::string_view status) {
    return "#/components/responses/" + error_name(status);
}

void add_error_components(boost::json::object& responses) {
    namespace bj = boost::json;
    for (const auto& e : kErrorResponses) {
        const auto& info = error_info(e.example);
        std::string description;
        for (const auto& other : kErrorCatalogue) {
            if (std::to_string(static_cast<unsigned>(other.status)) != e.status) continue;
            description += (description.empty() ? "" : "; ") + std::string(other.name) + ": " +
                           std::string(other.when);
        }
        bj::object example{{"error", {{"code", info.name}, {"message", info.when}}},
                           {"meta",
                            {{"timestamp", "2026-12-01T09:30:00.000Z"},
                             {"request_id", "019ad3a4-5b6c-7d8e-9f01-23456789abce"}}}};
        bj::object response{
            {"description", description},
            {"content",
             {{"application/json",
               {{"schema", {{"$ref", "#/components/schemas/Error"}}}, {"example", example}}}}}};
        if (!e.header.empty()) {
            response["headers"] = bj::object{{e.header, {{"schema", {{"type", "string"}}}}}};
        }
        responses[error_name(e.status)] = std::move(response);
    }
}

// Conditional requests (etag.hpp), added here once: If-None-Match/304 on every user read,
// If-Match/412 on the operations the dispatcher checks it for (Operation::conditional).
void add_conditional_headers(boost::json::object& operation, const Operation& op) {
    namespace bj = boost::json;
    auto ref = [](std::string_view target) { return bj::object{{"$ref", target}}; };
    auto add = [&](std::string_view parameter, std::string_view status, std::string_view response) {
        auto* parameters = operation.if_contains("parameters");
        if (parameters == nullptr) parameters = &(operation["parameters"] = bj::array{});
        parameters->as_array().push_back(ref(parameter));
        operation["responses"].as_object()[status] = ref(response);
    };
    const auto* ok = operation["responses"].as_object().if_contains("200");
    const bool stream = ok != nullptr && ok->is_object() && ok->as_object().contains("content") &&
                        ok->as_object().at("content").as_object().contains("text/event-stream");
    if (op.method == http::verb::get && !stream) {  // an event stream has no version to match
        add("#/components/parameters/IfNoneMatch", "304", "#/components/responses/NotModified");
    } else if (op.conditional) {
        add("#/components/parameters/IfMatch", "412", "#/components/responses/PreconditionFailed");
    }
}

// Idempotency-Key on the operations that take one (Operation::keyed).
void add_idempotency_key(boost::json::object& operation) {
    namespace bj = boost::json;
    auto* parameters = operation.if_contains("parameters");
    if (parameters == nullptr) parameters = &(operation["parameters"] = bj::array{});
    parameters->as_array().push_back(
        bj::object{{"$ref", "#/components/parameters/IdempotencyKey"}});
    auto& responses = operation["responses"].as_object();
    responses["409"] = bj::object{{"$ref", error_component("409")}};
    responses["422"] = bj::object{{"$ref", error_component("422")}};
}

// Every success that returns an item or a page carries its ETag; a page also its Link.
void add_etag_headers(boost::json::object& responses) {
    for (auto& [name, response] : responses) {
        if (name.starts_with("Error") || name == "Deleted" || name.ends_with("Modified") ||
            name.starts_with("Precondition"))
            continue;
        auto& headers = response.as_object()["headers"];
        if (!headers.is_object()) headers.emplace_object();
        headers.as_object()["ETag"] = boost::json::object{{"$ref", "#/components/headers/ETag"}};
        if (name.ends_with("List")) {
            headers.as_object()["Link"] =
                boost::json::object{{"$ref", "#/components/headers/Link"}};
        }
    }
}

// Every status an operation can answer with: 405 anywhere (another method on its path); on
// user routes 401/403/429/503, 422 (path and query rules), 404 with an {id}; with a body also
// 400/413/415. Statuses the operation documents itself are kept.
void add_error_responses(boost::json::object& operation, const Route& route, http::verb method) {
    namespace bj = boost::json;
    auto& responses = operation["responses"].as_object();
    auto add = [&](std::string_view status) {
        if (!responses.contains(status)) {
            responses[status] = bj::object{{"$ref", error_component(status)}};
        }
    };
    add("405");
    const bool mcp_endpoint = route.mcp && method == http::verb::post;
    if (route.access == Access::anyone && !mcp_endpoint) return;
    for (const auto* status : {"401", "403", "429", "503"}) add(status);
    if (mcp_endpoint) return;  // JSON-RPC errors are 200/400 bodies (docs/mcp.md)
    add("422");
    if (route.path.find("{id}") != std::string_view::npos) add("404");
    if (operation.contains("requestBody")) {
        for (const auto* status : {"400", "413", "415"}) add(status);
    }
}

// The operation's tag, from its path.
std::string_view tag_of(const Route& route) {
    if (route.mcp) return "mcp";
    if (route.path.find("/changes") != std::string_view::npos ||
        route.path.find("/events") != std::string_view::npos)
        return "sync";
    if (route.path.find("/conversations") != std::string_view::npos) return "conversations";
    if (route.path.find("/tasks") != std::string_view::npos) return "tasks";
    return "system";
}

// The path item of one route: its path parameters and one operation per method.
boost::json::object path_item(const Route& route) {
    namespace bj = boost::json;
    bj::object item;
    bj::array parameters;
    if (route.path.find("{user_id}") != std::string_view::npos)
        parameters.push_back(bj::object{{"$ref", "#/components/parameters/UserId"}});
    if (route.path.find("{id}") != std::string_view::npos)
        parameters.push_back(bj::object{{"$ref", "#/components/parameters/Id"}});
    if (!parameters.empty()) item["parameters"] = std::move(parameters);
    for (const auto& op : route.operations) {
        std::string method(http::to_string(op.method));
        for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto operation = bj::parse(op.openapi).as_object();
        if (route.access != Access::anyone && !route.mcp) add_conditional_headers(operation, op);
        if (op.keyed()) add_idempotency_key(operation);
        add_error_responses(operation, route, op.method);
        operation["tags"] = bj::array{tag_of(route)};
        item[method] = std::move(operation);
    }
    return item;
}

}  // namespace

std::string build_openapi_document(std::string_view prefix,
                                   std::optional<std::string_view> mcp_path,
                                   std::optional<std::string_view> public_url) {
    namespace bj = boost::json;
    auto doc = bj::parse(kDocument).as_object();
    doc["info"].as_object()["version"] = kVersion;
    doc["servers"].as_array().push_back(bj::object{
        {"url", public_url ? *public_url : "/"},
        {"description", public_url ? "PUBLIC_URL" : "the server this document was fetched from"}});

    auto& codes = doc["components"].as_object()["schemas"].as_object()["Error"].as_object();
    auto& code_enum = codes["properties"]
                          .as_object()["error"]
                          .as_object()["properties"]
                          .as_object()["code"]
                          .as_object()["enum"]
                          .as_array();
    for (const auto& e : kErrorCatalogue) code_enum.emplace_back(e.name);

    add_resource_schemas(doc["components"].as_object()["schemas"].as_object());
    add_etag_headers(doc["components"].as_object()["responses"].as_object());
    add_error_components(doc["components"].as_object()["responses"].as_object());

    const RouteMatcher matcher(prefix, mcp_path);
    bj::object paths;
    for (const auto& route : route_table()) {
        if ((route.mcp && !mcp_path) || !route.documented) continue;
        paths[matcher.path_of(route)] = path_item(route);
    }
    doc["paths"] = std::move(paths);
    return bj::serialize(doc);
}

}  // namespace taskcore::server
