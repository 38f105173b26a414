// Shared column encodings of the storage backends.
#include "task_columns.hpp"

#include <boost/json.hpp>

#include "taskcore/domain/text.hpp"

namespace taskcore::storage {

std::string tags_to_json(const std::vector<std::string>& tags) {
    boost::json::array arr;
    arr.reserve(tags.size());
    for (const auto& t : tags) arr.emplace_back(t);
    return boost::json::serialize(arr);
}

std::vector<std::string> tags_from_json(std::string_view json) {
    const boost::json::value parsed = boost::json::parse(json);
    std::vector<std::string> tags;
    for (const auto& v : parsed.as_array()) tags.emplace_back(v.as_string());
    return tags;
}

std::optional<std::string> folded(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    return fold_case(*text);
}

}  // namespace taskcore::storage
