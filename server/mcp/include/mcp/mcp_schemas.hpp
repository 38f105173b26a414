// The JSON Schemas of the MCP tools: their results (outputSchema) and the argument fields they
// share (inputSchema pieces), made of the resource schemas OpenAPI is made of.
#pragma once

#include <boost/json/value.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

#include "mcp/mcp_tools.hpp"

namespace taskcore::server::mcp {

// The outputSchema of a result shape.
boost::json::value output_schema(Output output);

// Argument fields as JSON object members ("name": {schema}), to be joined into inputSchemas;
// the writable fields are the shared resource schemas' (http/resource_schemas.hpp), as OpenAPI's.
std::string task_fields();          // title, description, priority, due_date, tags
std::string conversation_fields();  // title
std::string message_fields();       // role, content
extern const std::string_view kTaskId;
extern const std::string_view kConversationId;
// limit, offset and cursor as the list routes take them.
std::string page_fields(int default_limit);
// A whole inputSchema: JSON Schema 2020-12, an object of exactly these properties.
std::string object_schema(std::string_view required, const std::string& properties);
std::string join(std::initializer_list<std::string_view> members);

}  // namespace taskcore::server::mcp
