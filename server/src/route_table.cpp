// The route table: each route with its operations, their handlers and their OpenAPI operation
// objects (components they reference live in openapi.cpp).
#include "route_table.hpp"

#include "change_handlers.hpp"
#include "conversation_handlers.hpp"
#include "docs_handlers.hpp"
#include "mcp_handlers.hpp"
#include "system_handlers.hpp"
#include "task_handlers.hpp"

namespace taskcore::server {

using http::verb;
namespace h = handlers;

// NOLINTBEGIN(readability-function-size): a table, one entry per route.
const std::vector<Route>& route_table() {
    // One entry per route; left unformatted, as the formatter scatters entries with long literals.
    // clang-format off
    static const std::vector<Route> table{
        {"/health",
         Access::anyone,
         {{verb::get, h::health,
           R"json({"operationId": "getHealth", "summary": "Health check (SELECT 1 within 1 s)", "security": [],
  "responses": {"200": {"description": "healthy", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
        "503": {"description": "database unreachable", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}})json"}}},
        {"/openapi.json",
         Access::anyone,
         {{verb::get, h::openapi,
           R"json({"operationId": "getOpenApiDocument", "summary": "This document", "security": [],
  "responses": {"200": {"description": "OpenAPI 3.1 document"}}})json"}}},
        {"/metrics",
         Access::anyone,
         {{verb::get, h::metrics,
           R"json({"operationId": "getMetrics", "summary": "Prometheus metrics (no user data: route templates only)", "security": [],
  "responses": {"200": {"description": "Prometheus text format 0.0.4", "content": {"text/plain": {"schema": {"type": "string"}}}}}})json"}}},
        {"/docs", Access::anyone, {{verb::get, h::docs_page, ""}}, false, false},
        {"/docs/init.js", Access::anyone, {{verb::get, h::docs_asset, ""}}, false, false},
        {"/docs/swagger-ui.css", Access::anyone, {{verb::get, h::docs_asset, ""}}, false, false},
        {"/docs/swagger-ui-bundle.js", Access::anyone, {{verb::get, h::docs_asset, ""}}, false, false},
        {"/docs/favicon-32x32.png", Access::anyone, {{verb::get, h::docs_asset, ""}}, false, false},
        {"/mcp",
         Access::anyone,  // the handler checks the Origin, then the bearer token
         {{verb::post, h::mcp,
           R"json({"operationId": "postMcp", "summary": "MCP endpoint (Streamable HTTP, JSON responses): tools over the token's user's tasks and conversations",
  "description": "JSON-RPC 2.0; protocol revisions 2026-07-28 (server/discover, _meta envelope, Mcp-Method/Mcp-Name headers) and 2025-11-25 (initialize). See docs/mcp.md.",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": ["object", "array"]}}}},
  "responses": {"200": {"description": "a JSON-RPC response (or a batch of them)", "content": {"application/json": {"schema": {"type": ["object", "array"]}}}},
        "202": {"description": "notifications only: accepted, no body"},
        "400": {"description": "a JSON-RPC error raised before dispatch (parse error, invalid request, header mismatch, unsupported protocol version)", "content": {"application/json": {"schema": {"type": "object"}}}},
        "401": {"$ref": "#/components/responses/Error401"}, "403": {"$ref": "#/components/responses/Error403"},
        "413": {"$ref": "#/components/responses/Error413"}, "415": {"$ref": "#/components/responses/Error415"}}})json"}},
         true},
        {"/.well-known/oauth-protected-resource/mcp",
         Access::anyone,
         {{verb::get, h::protected_resource_metadata,
           R"json({"operationId": "getMcpResourceMetadata", "summary": "OAuth 2.0 protected resource metadata of the MCP endpoint (RFC 9728)", "security": [],
  "responses": {"200": {"description": "resource, authorization_servers, bearer_methods_supported", "content": {"application/json": {"schema": {"type": "object"}}}}}})json"}},
         true},
        {"/.well-known/oauth-protected-resource",
         Access::anyone,
         {{verb::get, h::protected_resource_metadata,
           R"json({"operationId": "getResourceMetadata", "summary": "The same metadata at the unsuffixed well-known path", "security": [],
  "responses": {"200": {"description": "resource, authorization_servers, bearer_methods_supported", "content": {"application/json": {"schema": {"type": "object"}}}}}})json"}},
         true},
        {"/api/{user_id}/tasks",
         Access::path_user,
         {{verb::get, h::list_tasks,
           R"json({"operationId": "listTasks", "summary": "List tasks",
  "parameters": [
    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["all", "pending", "completed"], "default": "all"}},
    {"name": "priority", "in": "query", "schema": {"$ref": "#/components/schemas/Priority"}},
    {"name": "tag", "in": "query", "schema": {"type": "string"}},
    {"name": "q", "in": "query", "description": "Case-insensitive (Unicode) substring of title or description", "schema": {"type": "string"}},
    {"name": "sort", "in": "query", "schema": {"type": "string", "default": "-created_at",
      "enum": ["created_at", "-created_at", "updated_at", "-updated_at", "due_date", "-due_date", "title", "-title", "priority", "-priority"]}},
    {"$ref": "#/components/parameters/Limit50"}, {"$ref": "#/components/parameters/Offset"}, {"$ref": "#/components/parameters/Cursor"}],
  "responses": {"200": {"$ref": "#/components/responses/TaskList"}, "401": {"$ref": "#/components/responses/Error401"},
        "403": {"$ref": "#/components/responses/Error403"}, "422": {"$ref": "#/components/responses/Error422"}}})json"},
          {verb::post, h::create_task,
           R"json({"operationId": "createTask", "summary": "Create a task",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskCreate"}}}},
  "responses": {"201": {"$ref": "#/components/responses/TaskCreated"}, "400": {"$ref": "#/components/responses/Error400"},
        "401": {"$ref": "#/components/responses/Error401"}, "403": {"$ref": "#/components/responses/Error403"},
        "413": {"$ref": "#/components/responses/Error413"}, "415": {"$ref": "#/components/responses/Error415"},
        "422": {"$ref": "#/components/responses/Error422"}}})json",
           true}}},
        {"/api/{user_id}/tasks/{id}",
         Access::path_user,
         {{verb::get, h::get_task,
           R"json({"operationId": "getTask", "summary": "Get a task", "responses": {"200": {"$ref": "#/components/responses/Task"}, "404": {"$ref": "#/components/responses/Error404"}}})json"},
          {verb::put, h::update_task,
           R"json({"operationId": "replaceTask", "summary": "Partially update a task (same as PATCH)",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskPatch"}}}},
  "responses": {"200": {"$ref": "#/components/responses/Task"}, "404": {"$ref": "#/components/responses/Error404"}, "422": {"$ref": "#/components/responses/Error422"}}})json"},
          {verb::patch, h::update_task,
           R"json({"operationId": "updateTask", "summary": "Partially update a task",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskPatch"}}}},
  "responses": {"200": {"$ref": "#/components/responses/Task"}, "404": {"$ref": "#/components/responses/Error404"}, "422": {"$ref": "#/components/responses/Error422"}}})json"},
          {verb::delete_, h::delete_task,
           R"json({"operationId": "deleteTask", "summary": "Delete a task", "responses": {"200": {"$ref": "#/components/responses/Deleted"}, "404": {"$ref": "#/components/responses/Error404"}}})json"}}},
        {"/api/{user_id}/tasks/{id}/complete",
         Access::path_user,
         {{verb::patch, h::complete_task,
           R"json({"operationId": "completeTask", "summary": "Toggle completion (empty body) or set it ({\"completed\": bool})",
  "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"completed": {"type": "boolean"}}, "required": ["completed"], "additionalProperties": false}}}},
  "responses": {"200": {"$ref": "#/components/responses/Task"}, "404": {"$ref": "#/components/responses/Error404"}, "422": {"$ref": "#/components/responses/Error422"}}})json",
           true}}},
        {"/api/{user_id}/conversations",
         Access::path_user,
         {{verb::get, h::list_conversations,
           R"json({"operationId": "listConversations", "summary": "List conversations, most recently updated first",
  "parameters": [{"$ref": "#/components/parameters/Limit50"}, {"$ref": "#/components/parameters/Offset"}, {"$ref": "#/components/parameters/Cursor"}],
  "responses": {"200": {"$ref": "#/components/responses/ConversationList"}}})json"},
          {verb::post, h::create_conversation,
           R"json({"operationId": "createConversation", "summary": "Create a conversation",
  "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"title": {"type": ["string", "null"], "maxLength": 200}}, "additionalProperties": false}}}},
  "responses": {"201": {"$ref": "#/components/responses/Conversation"}}})json",
           true}}},
        {"/api/{user_id}/conversations/{id}", Access::path_user, {{verb::get, h::get_conversation, R"json({"operationId": "getConversation", "summary": "Get a conversation", "responses": {"200": {"$ref": "#/components/responses/Conversation"}, "404": {"$ref": "#/components/responses/Error404"}}})json"}, {verb::delete_, h::delete_conversation, R"json({"operationId": "deleteConversation", "summary": "Delete a conversation and its messages", "responses": {"200": {"$ref": "#/components/responses/Deleted"}, "404": {"$ref": "#/components/responses/Error404"}}})json"}}},
        {"/api/{user_id}/conversations/{id}/messages",
         Access::path_user,
         {{verb::get, h::list_messages,
           R"json({"operationId": "listMessages", "summary": "List messages, oldest first",
  "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 100}}, {"$ref": "#/components/parameters/Offset"}, {"$ref": "#/components/parameters/Cursor"}],
  "responses": {"200": {"$ref": "#/components/responses/MessageList"}, "404": {"$ref": "#/components/responses/Error404"}}})json"},
          {verb::post, h::add_message,
           R"json({"operationId": "addMessage", "summary": "Append a message (bumps the conversation's updated_at)",
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MessageCreate"}}}},
  "responses": {"201": {"$ref": "#/components/responses/Message"}, "404": {"$ref": "#/components/responses/Error404"}, "422": {"$ref": "#/components/responses/Error422"}}})json",
           true}}},
        {"/api/{user_id}/changes",
         Access::path_user,
         {{verb::get, h::list_changes,
           R"json({"operationId": "listChanges", "summary": "The change log after a seq (offline sync): every write in commit order, each with its object as it is now",
  "parameters": [{"name": "since", "in": "query", "description": "The last seq the client has applied (0: from the start of the retained history)", "schema": {"type": "integer", "minimum": 0, "default": 0}},
                 {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 100}}],
  "responses": {"200": {"$ref": "#/components/responses/ChangePage"}, "410": {"$ref": "#/components/responses/Error410"}}})json"}}},
    };
    // clang-format on
    return table;
}
// NOLINTEND(readability-function-size)

}  // namespace taskcore::server
