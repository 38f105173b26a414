// Path matching over the route table (matched once per request; the match travels with it).
#include "api/route_matcher.hpp"

#include <algorithm>

#include "api/route_table.hpp"
#include "http/url.hpp"

namespace taskcore::server {
namespace {

constexpr std::string_view kDefaultPrefix = "/api";
constexpr std::string_view kDefaultMcpPath = "/mcp";

}  // namespace

RouteMatcher::RouteMatcher(std::string_view api_prefix, std::optional<std::string_view> mcp_path)
    : prefix_(api_prefix) {
    if (mcp_path) mcp_path_ = std::string(*mcp_path);
    for (const auto& route : route_table()) {
        auto segments = split_path(path_of(route));
        patterns_.push_back({(!route.mcp || mcp_path_) && segments.has_value(),
                             segments ? std::move(*segments) : std::vector<std::string>{}});
    }
}

RouteMatch RouteMatcher::match(std::string_view target) const {
    const auto& table = route_table();
    RouteMatch m;
    m.index = table.size();
    const auto segments = split_path(target.substr(0, target.find('?')));
    if (!segments) return m;
    for (std::size_t r = 0; r < patterns_.size(); ++r) {
        const auto& pattern = patterns_[r];
        if (!pattern.served || segments->size() != pattern.segments.size()) continue;
        bool ok = true;
        for (std::size_t i = 0; i < pattern.segments.size() && ok; ++i) {
            const auto& seg = (*segments)[i];
            const auto& want = pattern.segments[i];
            if (want == "{user_id}") {
                m.user_id = seg;
                ok = !seg.empty();
            } else if (want == "{id}") {
                m.id = seg;
                ok = !seg.empty();  // "/tasks/" is not a task route
            } else {
                ok = seg == want;
            }
        }
        if (ok) {
            m.route = &table[r];
            m.index = r;
            return m;
        }
    }
    m.user_id.clear();
    m.id.clear();
    return m;
}

std::string RouteMatcher::path_of(const Route& route) const {
    const std::string_view path = route.path;
    if (path.starts_with(std::string(kDefaultPrefix) + "/"))
        return prefix_ + std::string(path.substr(kDefaultPrefix.size()));
    if (route.mcp && path.ends_with(kDefaultMcpPath)) {
        return std::string(path.substr(0, path.size() - kDefaultMcpPath.size())) +
               mcp_path_.value_or(std::string(kDefaultMcpPath));
    }
    return std::string(path);
}

std::vector<std::string> RouteMatcher::labels() const {
    std::vector<std::string> out;
    for (const auto& route : route_table()) out.push_back(path_of(route));
    out.emplace_back("unmatched");
    return out;
}

}  // namespace taskcore::server
