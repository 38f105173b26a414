// Argument shape checks driven by each tool's own inputSchema (one description, two readers:
// the model and this check).
#include "mcp/mcp_arguments.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <string>

#include "mcp/mcp_errors.hpp"
#include "mcp/mcp_tools.hpp"

namespace taskcore::server::mcp {
namespace {

namespace bj = boost::json;

[[noreturn]] void invalid(const std::string& message) {
    throw RpcError(RpcErrorKind::invalid_params, message);
}

// 2.0 counts as an integer (JSON Schema: a number with a zero fractional part).
bool integral(const bj::value& v) {
    if (v.is_int64() || v.is_uint64()) return true;
    if (!v.is_double()) return false;
    const double d = v.as_double();
    return std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15;
}

bool has_type(const bj::value& v, std::string_view type) {
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_bool();
    if (type == "null") return v.is_null();
    if (type == "integer") return integral(v);
    if (type == "number") return v.is_number();
    if (type == "array") return v.is_array();
    if (type == "object") return v.is_object();
    return false;
}

std::string type_text(const bj::value& type) {
    if (type.is_string()) return std::string(type.as_string());
    std::string out;
    for (const auto& t : type.as_array()) {
        if (!out.empty()) out += " or ";
        out += t.as_string();
    }
    return out;
}

// Whether the schema's "type" (a name or a list of names) admits `name`.
bool allows(const bj::value& type, std::string_view name) {
    if (type.is_string()) return type.as_string() == name;
    for (const auto& t : type.as_array()) {
        if (t.as_string() == name) return true;
    }
    return false;
}

// Checks `value` against `schema` (a property schema); `where` names it in messages.
void check_value(bj::value& value, const bj::object& schema, const std::string& where) {
    if (const auto* type = schema.if_contains("type")) {
        bool ok = false;
        for (const auto* name :
             {"string", "boolean", "null", "integer", "number", "array", "object"}) {
            ok = ok || (allows(*type, name) && has_type(value, name));
        }
        if (!ok) invalid("argument '" + where + "' must be " + type_text(*type));
        if (value.is_double() && allows(*type, "integer") && integral(value)) {
            value = static_cast<std::int64_t>(value.as_double());
        }
    }
    if (const auto* items = schema.if_contains("items"); items && value.is_array()) {
        auto& array = value.as_array();
        for (std::size_t i = 0; i < array.size(); ++i) {
            check_value(array[i], items->as_object(), where + "[" + std::to_string(i) + "]");
        }
    }
}

}  // namespace

boost::json::object check_arguments(const Tool& tool, const boost::json::value* arguments) {
    bj::object args;
    if (arguments != nullptr && !arguments->is_null()) {
        if (!arguments->is_object()) invalid("'arguments' must be an object");
        args = arguments->as_object();
    }
    const auto& schema = input_schema_of(tool);
    const auto& properties = schema.at("properties").as_object();
    for (auto& [name, value] : args) {
        const auto* property = properties.if_contains(name);
        if (property == nullptr) {
            std::string known;
            for (const auto& [key, unused] : properties) {
                known += known.empty() ? "" : ", ";
                known += key;
            }
            invalid("unknown argument '" + std::string(name) + "' for tool " +
                    std::string(tool.name) + "; its arguments are: " + known);
        }
        check_value(value, property->as_object(), std::string(name));
    }
    if (const auto* required = schema.if_contains("required")) {
        for (const auto& name : required->as_array()) {
            if (!args.contains(name.as_string())) {
                invalid("missing required argument '" + std::string(name.as_string()) +
                        "' for tool " + std::string(tool.name));
            }
        }
    }
    return args;
}

}  // namespace taskcore::server::mcp
