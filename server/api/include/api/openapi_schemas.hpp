// The OpenAPI document's resource and request-body schemas, made of the shared resource schemas
// (http/resource_schemas.hpp) that the MCP tools read too.
#pragma once

#include <boost/json/object.hpp>

namespace taskcore::server {

// Adds Task, TaskCreate, TaskPatch, Conversation, ConversationCreate, Message, MessageCreate and
// Tombstone to `schemas` (components.schemas), with their examples.
void add_resource_schemas(boost::json::object& schemas);

}  // namespace taskcore::server
