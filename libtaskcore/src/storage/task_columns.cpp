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

// The common case, read without building a JSON DOM (it runs for every task row of every list):
// an array of strings with no escapes, as tags_to_json writes them for ordinary tags, or as
// PostgreSQL prints jsonb (`["a", "b"]`: a space after each comma).
bool read_plain_tags(std::string_view json, std::vector<std::string>& tags) {
    if (json.size() < 2 || json.front() != '[' || json.back() != ']') return false;
    std::string_view rest = json.substr(1, json.size() - 2);
    while (!rest.empty()) {
        if (rest.front() != '"') return false;
        const auto end = rest.find('"', 1);
        if (end == std::string_view::npos) return false;
        const auto tag = rest.substr(1, end - 1);
        if (tag.find('\\') != std::string_view::npos) return false;  // escapes: the full parser
        tags.emplace_back(tag);
        rest.remove_prefix(end + 1);
        if (rest.empty()) break;
        if (rest.front() != ',') return false;
        rest.remove_prefix(1);
        if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.empty()) return false;
    }
    return true;
}

std::vector<std::string> tags_from_json(std::string_view json) {
    std::vector<std::string> tags;
    if (read_plain_tags(json, tags)) return tags;
    tags.clear();
    const boost::json::value parsed = boost::json::parse(json);
    for (const auto& v : parsed.as_array()) tags.emplace_back(v.as_string());
    return tags;
}

std::optional<std::string> folded(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    return fold_case(*text);
}

}  // namespace taskcore::storage
