// Column encodings both storage backends share: tags as a JSON array, case-folded search text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taskcore::storage {

std::string tags_to_json(const std::vector<std::string>& tags);
std::vector<std::string> tags_from_json(std::string_view json);
// fold_case of a nullable column value.
std::optional<std::string> folded(const std::optional<std::string>& text);

}  // namespace taskcore::storage
