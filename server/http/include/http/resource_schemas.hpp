// The JSON Schemas of the API's resources and of the fields clients write, built from the
// library's rule constants (taskcore/domain/validation.hpp) and enums. The OpenAPI document's
// components and the MCP tools' input and output schemas are both made of these, so a limit is
// written once and both surfaces state it. Plain JSON Schema (no $ref), valid in OpenAPI 3.1 and
// in MCP's 2020-12 and draft-07 dialects alike.
#pragma once

#include <boost/json/object.hpp>

namespace taskcore::server::schemas {

// Resources as the API returns them.
boost::json::object task();
boost::json::object conversation();
boost::json::object message();
// {id, deleted: true}: a deleted resource.
boost::json::object tombstone();

// Writable fields as `properties` members (name -> schema).
// title, description, priority, due_date, tags (a create's and a patch's; `completed` is not
// among them: a create may set it, a patch may, MCP's add_task does not).
boost::json::object task_fields();
boost::json::object conversation_fields();  // title
boost::json::object message_fields();       // role, content

}  // namespace taskcore::server::schemas
