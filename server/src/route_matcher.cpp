// Path matching over the route table (matched once per request; the match travels with it).
#include "route_table.hpp"

#include <algorithm>

#include "url.hpp"

namespace taskcore::server {
namespace {

constexpr std::string_view kDefaultPrefix = "/api";

std::vector<std::string_view> split_template(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty()) {
        path.remove_prefix(1);  // the '/'
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
    }
    return out;
}

}  // namespace

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

RouteMatcher::RouteMatcher(std::string_view api_prefix) : prefix_(api_prefix) {
    if (auto segments = split_path(prefix_.empty() ? "/" : prefix_)) {
        prefix_segments_ = std::move(*segments);
        if (prefix_segments_.size() == 1 && prefix_segments_[0].empty()) prefix_segments_.clear();
    }
    for (const auto& route : route_table()) {
        const bool under_prefix = route.path.starts_with(std::string(kDefaultPrefix) + "/");
        patterns_.push_back(
            {under_prefix,
             split_template(under_prefix ? route.path.substr(kDefaultPrefix.size()) : route.path)});
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
        const std::size_t offset = pattern.under_prefix ? prefix_segments_.size() : 0;
        if (segments->size() != offset + pattern.segments.size()) continue;
        if (pattern.under_prefix &&
            !std::equal(prefix_segments_.begin(), prefix_segments_.end(), segments->begin())) {
            continue;
        }
        bool ok = true;
        for (std::size_t i = 0; i < pattern.segments.size() && ok; ++i) {
            const auto& seg = (*segments)[offset + i];
            const auto want = pattern.segments[i];
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
    if (!route.path.starts_with(std::string(kDefaultPrefix) + "/")) return std::string(route.path);
    return prefix_ + std::string(route.path.substr(kDefaultPrefix.size()));
}

std::vector<std::string> RouteMatcher::labels() const {
    std::vector<std::string> out;
    for (const auto& route : route_table()) out.push_back(path_of(route));
    out.emplace_back("unmatched");
    return out;
}

}  // namespace taskcore::server
