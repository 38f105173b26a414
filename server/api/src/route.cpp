// The Allow value of a route and the operation a match serves for a method.
#include "api/route.hpp"

#include <algorithm>

namespace taskcore::server {

std::string allow_value(const Route& route) {
    std::string allow;
    for (const auto& op : route.operations) {
        allow += std::string(http::to_string(op.method));
        allow += ", ";
        if (op.method == http::verb::get) allow += "HEAD, ";  // every GET route serves HEAD
    }
    return allow + "OPTIONS";
}

const Operation* RouteMatch::operation(http::verb method) const {
    if (route == nullptr) return nullptr;
    if (method == http::verb::head) method = http::verb::get;  // HEAD is GET without the body
    const auto& ops = route->operations;
    const auto it = std::find_if(ops.begin(), ops.end(),
                                 [&](const Operation& op) { return op.method == method; });
    return it == ops.end() ? nullptr : &*it;
}

}  // namespace taskcore::server
