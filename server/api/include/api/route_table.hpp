// The one route table: it drives matching, Allow, 404/405, the metrics route label and the
// OpenAPI paths. Adding a route is one entry in route_table.cpp plus its handler.
#pragma once

#include <vector>

#include "api/route.hpp"

namespace taskcore::server {

const std::vector<Route>& route_table();

}  // namespace taskcore::server
