// Column encodings both storage backends share: tags as a JSON array, case-folded search text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taskcore::storage {

std::string tags_to_json(const std::vector<std::string>& tags);
std::vector<std::string> tags_from_json(std::string_view json);
// The fast path of tags_from_json: an array of strings without escapes, with or without a space
// after each comma (PostgreSQL's jsonb text). False (and `tags` partly filled) otherwise.
bool read_plain_tags(std::string_view json, std::vector<std::string>& tags);
// fold_case of a nullable column value.
std::optional<std::string> folded(const std::optional<std::string>& text);

}  // namespace taskcore::storage
