// Path matching over the route table under the configured API prefix and MCP path.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/route.hpp"

namespace taskcore::server {

// Matches request paths against the table under the configured API prefix and MCP path.
class RouteMatcher {
  public:
    // `mcp_path` nullopt: the MCP routes are not served.
    explicit RouteMatcher(std::string_view api_prefix,
                          std::optional<std::string_view> mcp_path = "/mcp");

    // `target` may carry a query string; it is ignored here.
    [[nodiscard]] RouteMatch match(std::string_view target) const;
    // A route's template under the configured prefix (metrics label, OpenAPI key).
    [[nodiscard]] std::string path_of(const Route& route) const;
    // Every route's template in table order, then "unmatched": the metrics labels.
    [[nodiscard]] std::vector<std::string> labels() const;

  private:
    struct Pattern {
        bool served;
        std::vector<std::string> segments;  // decoded; "{user_id}" and "{id}" are placeholders
    };
    std::string prefix_;
    std::optional<std::string> mcp_path_;
    std::vector<Pattern> patterns_;
};

}  // namespace taskcore::server
