// The shape check of tools/call arguments against the tool's inputSchema: types, required and
// unknown arguments. What fails here is a JSON-RPC invalid-params error; the rules on values
// (lengths, enums, formats) are the services', and break as tool errors the model can fix.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace taskcore::server::mcp {

struct Tool;

// The arguments (absent: none) checked against the schema subset the tools use (type, with
// unions; properties; required; additionalProperties false; items). Integral numbers come back
// as integers (2.0 -> 2). Throws RpcError(invalid_params) naming the first bad argument.
boost::json::object check_arguments(const Tool& tool, const boost::json::value* arguments);

}  // namespace taskcore::server::mcp
