// OpenAPI 3.1 document: schemas, the envelope, errors and bearer auth for every route.
#include "openapi.hpp"

#include <boost/json.hpp>

namespace taskcore::server {
namespace {

// Written with the default "/api" prefix; paths are re-keyed for another API_PREFIX.
constexpr std::string_view kDocument = R"json({
  "openapi": "3.1.0",
  "info": {"title": "taskcore API", "version": "0.1.0",
           "description": "Tasks, conversations and messages, scoped to the user of the bearer token."},
  "security": [{"bearerAuth": []}],
  "paths": {
    "/health": {"get": {"summary": "Health check (SELECT 1 within 1 s)", "security": [],
      "responses": {"200": {"description": "healthy", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                    "503": {"description": "database unreachable", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}}},
    "/openapi.json": {"get": {"summary": "This document", "security": [],
      "responses": {"200": {"description": "OpenAPI 3.1 document"}}}},
    "/metrics": {"get": {"summary": "Prometheus metrics (no user data: route templates only)", "security": [],
      "responses": {"200": {"description": "Prometheus text format 0.0.4", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    "/api/{user_id}/tasks": {
      "parameters": [{"$ref": "#/components/parameters/UserId"}],
      "get": {"summary": "List tasks",
        "parameters": [
          {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["all", "pending", "completed"], "default": "all"}},
          {"name": "priority", "in": "query", "schema": {"$ref": "#/components/schemas/Priority"}},
          {"name": "tag", "in": "query", "schema": {"type": "string"}},
          {"name": "q", "in": "query", "description": "Case-insensitive (Unicode) substring of title or description", "schema": {"type": "string"}},
          {"name": "sort", "in": "query", "schema": {"type": "string", "default": "-created_at",
            "enum": ["created_at", "-created_at", "updated_at", "-updated_at", "due_date", "-due_date", "title", "-title", "priority", "-priority"]}},
          {"$ref": "#/components/parameters/Limit50"}, {"$ref": "#/components/parameters/Offset"}],
        "responses": {"200": {"$ref": "#/components/responses/TaskList"}, "401": {"$ref": "#/components/responses/Error"},
                      "403": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}},
      "post": {"summary": "Create a task",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskCreate"}}}},
        "responses": {"201": {"$ref": "#/components/responses/TaskCreated"}, "400": {"$ref": "#/components/responses/Error"},
                      "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                      "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"},
                      "422": {"$ref": "#/components/responses/Error"}}}},
    "/api/{user_id}/tasks/{id}": {
      "parameters": [{"$ref": "#/components/parameters/UserId"}, {"$ref": "#/components/parameters/Id"}],
      "get": {"summary": "Get a task", "responses": {"200": {"$ref": "#/components/responses/Task"}, "404": {"$ref": "#/components/responses/Error"}}},
      "put": {"summary": "Partially update a task (same as PATCH)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskPatch"}}}},
        "responses": {"200": {"$ref": "#/components/responses/Task"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}},
      "patch": {"summary": "Partially update a task",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskPatch"}}}},
        "responses": {"200": {"$ref": "#/components/responses/Task"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete a task", "responses": {"200": {"$ref": "#/components/responses/Deleted"}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/api/{user_id}/tasks/{id}/complete": {
      "parameters": [{"$ref": "#/components/parameters/UserId"}, {"$ref": "#/components/parameters/Id"}],
      "patch": {"summary": "Toggle completion (empty body) or set it ({\"completed\": bool})",
        "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"completed": {"type": "boolean"}}, "required": ["completed"], "additionalProperties": false}}}},
        "responses": {"200": {"$ref": "#/components/responses/Task"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
    "/api/{user_id}/conversations": {
      "parameters": [{"$ref": "#/components/parameters/UserId"}],
      "get": {"summary": "List conversations, most recently updated first",
        "parameters": [{"$ref": "#/components/parameters/Limit50"}, {"$ref": "#/components/parameters/Offset"}],
        "responses": {"200": {"$ref": "#/components/responses/ConversationList"}}},
      "post": {"summary": "Create a conversation",
        "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"title": {"type": ["string", "null"], "maxLength": 200}}, "additionalProperties": false}}}},
        "responses": {"201": {"$ref": "#/components/responses/Conversation"}}}},
    "/api/{user_id}/conversations/{id}": {
      "parameters": [{"$ref": "#/components/parameters/UserId"}, {"$ref": "#/components/parameters/Id"}],
      "get": {"summary": "Get a conversation", "responses": {"200": {"$ref": "#/components/responses/Conversation"}, "404": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete a conversation and its messages", "responses": {"200": {"$ref": "#/components/responses/Deleted"}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/api/{user_id}/conversations/{id}/messages": {
      "parameters": [{"$ref": "#/components/parameters/UserId"}, {"$ref": "#/components/parameters/Id"}],
      "get": {"summary": "List messages, oldest first",
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 100}}, {"$ref": "#/components/parameters/Offset"}],
        "responses": {"200": {"$ref": "#/components/responses/MessageList"}, "404": {"$ref": "#/components/responses/Error"}}},
      "post": {"summary": "Append a message (bumps the conversation's updated_at)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MessageCreate"}}}},
        "responses": {"201": {"$ref": "#/components/responses/Message"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}}
  },
  "components": {
    "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    "parameters": {
      "UserId": {"name": "user_id", "in": "path", "required": true, "description": "Must equal the token's user id (percent-encoded)", "schema": {"type": "string", "minLength": 1, "maxLength": 255}},
      "Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
      "Limit50": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
      "Offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}}},
    "schemas": {
      "Priority": {"type": "string", "enum": ["low", "medium", "high"]},
      "Timestamp": {"type": "string", "format": "date-time", "examples": ["2026-11-22T20:19:49.123Z"]},
      "Task": {"type": "object", "required": ["id", "user_id", "title", "description", "completed", "status", "priority", "due_date", "tags", "completed_at", "created_at", "updated_at"],
        "properties": {"id": {"type": "string", "format": "uuid"}, "user_id": {"type": "string"}, "title": {"type": "string"},
          "description": {"type": ["string", "null"]}, "completed": {"type": "boolean"}, "status": {"type": "string", "enum": ["pending", "completed"]},
          "priority": {"$ref": "#/components/schemas/Priority"}, "due_date": {"type": ["string", "null"], "format": "date-time"},
          "tags": {"type": "array", "items": {"type": "string"}}, "completed_at": {"type": ["string", "null"], "format": "date-time"},
          "created_at": {"$ref": "#/components/schemas/Timestamp"}, "updated_at": {"$ref": "#/components/schemas/Timestamp"}}},
      "TaskCreate": {"type": "object", "required": ["title"], "additionalProperties": false,
        "properties": {"title": {"type": "string", "minLength": 1, "maxLength": 200}, "description": {"type": ["string", "null"], "maxLength": 1000},
          "completed": {"type": "boolean"}, "priority": {"$ref": "#/components/schemas/Priority"},
          "due_date": {"type": ["string", "null"], "format": "date-time"},
          "tags": {"type": "array", "maxItems": 10, "uniqueItems": true, "items": {"type": "string", "minLength": 1, "maxLength": 32}}}},
      "TaskPatch": {"type": "object", "additionalProperties": false,
        "properties": {"title": {"type": "string", "minLength": 1, "maxLength": 200}, "description": {"type": ["string", "null"], "maxLength": 1000},
          "completed": {"type": "boolean"}, "priority": {"$ref": "#/components/schemas/Priority"},
          "due_date": {"type": ["string", "null"], "format": "date-time"},
          "tags": {"type": "array", "maxItems": 10, "uniqueItems": true, "items": {"type": "string", "minLength": 1, "maxLength": 32}}}},
      "Conversation": {"type": "object", "required": ["id", "user_id", "title", "created_at", "updated_at"],
        "properties": {"id": {"type": "string", "format": "uuid"}, "user_id": {"type": "string"}, "title": {"type": ["string", "null"]},
          "created_at": {"$ref": "#/components/schemas/Timestamp"}, "updated_at": {"$ref": "#/components/schemas/Timestamp"}}},
      "Message": {"type": "object", "required": ["id", "user_id", "conversation_id", "role", "content", "created_at"],
        "properties": {"id": {"type": "string", "format": "uuid"}, "user_id": {"type": "string"}, "conversation_id": {"type": "string", "format": "uuid"},
          "role": {"type": "string", "enum": ["user", "assistant", "system", "tool"]}, "content": {"type": "string"},
          "created_at": {"$ref": "#/components/schemas/Timestamp"}}},
      "MessageCreate": {"type": "object", "required": ["role", "content"], "additionalProperties": false,
        "properties": {"role": {"type": "string", "enum": ["user", "assistant", "system", "tool"]}, "content": {"type": "string", "minLength": 1, "maxLength": 32000}}},
      "Meta": {"type": "object", "required": ["timestamp", "request_id"],
        "properties": {"timestamp": {"$ref": "#/components/schemas/Timestamp"}, "request_id": {"type": "string"}}},
      "ListMeta": {"allOf": [{"$ref": "#/components/schemas/Meta"}, {"type": "object", "required": ["count", "total", "limit", "offset"],
        "properties": {"count": {"type": "integer"}, "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"}}}]},
      "Error": {"type": "object", "required": ["error", "meta"],
        "properties": {"error": {"type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string", "enum": ["MALFORMED_JSON", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE", "REQUEST_HEADER_FIELDS_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "VALIDATION_ERROR", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE"]},
              "message": {"type": "string"},
              "details": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
          "meta": {"$ref": "#/components/schemas/Meta"}}},
      "Health": {"type": "object", "properties": {"status": {"type": "string", "enum": ["healthy", "unhealthy"]},
        "database": {"type": "string", "enum": ["connected", "disconnected"]}, "backend": {"type": "string", "enum": ["sqlite", "postgresql"]}, "version": {"type": "string"}}}
    },
    "responses": {
      "Error": {"description": "Error envelope", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Task": {"description": "A task", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Task"}, "meta": {"$ref": "#/components/schemas/Meta"}}}}}},
      "TaskCreated": {"description": "The created task", "headers": {"Location": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Task"}, "meta": {"$ref": "#/components/schemas/Meta"}}}}}},
      "TaskList": {"description": "A page of tasks", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}, "meta": {"$ref": "#/components/schemas/ListMeta"}}}}}},
      "Conversation": {"description": "A conversation", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Conversation"}, "meta": {"$ref": "#/components/schemas/Meta"}}}}}},
      "ConversationList": {"description": "A page of conversations", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Conversation"}}, "meta": {"$ref": "#/components/schemas/ListMeta"}}}}}},
      "Message": {"description": "A message", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Message"}, "meta": {"$ref": "#/components/schemas/Meta"}}}}}},
      "MessageList": {"description": "A page of messages", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}}, "meta": {"$ref": "#/components/schemas/ListMeta"}}}}}},
      "Deleted": {"description": "Deleted", "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "object", "properties": {"id": {"type": "string"}, "deleted": {"type": "boolean"}}}, "meta": {"$ref": "#/components/schemas/Meta"}}}}}}
    }
  }
})json";

}  // namespace

std::string build_openapi_document(std::string_view prefix) {
    auto doc = boost::json::parse(kDocument).as_object();
    if (prefix != "/api") {
        boost::json::object paths;
        for (auto& [key, value] : doc["paths"].as_object()) {
            std::string path(key);
            if (path.starts_with("/api/")) path = std::string(prefix) + path.substr(4);
            paths[path] = value;
        }
        doc["paths"] = std::move(paths);
    }
    return boost::json::serialize(doc);
}

}  // namespace taskcore::server
