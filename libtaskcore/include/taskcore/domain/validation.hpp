// The API's field rules (lengths, tags), each appending its errors so callers report all.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taskcore/domain/errors.hpp"

namespace taskcore::rules {

inline constexpr std::size_t kTitleMax = 200;
inline constexpr std::size_t kDescriptionMax = 1000;
inline constexpr std::size_t kTagsMax = 10;
inline constexpr std::size_t kTagMax = 32;
inline constexpr std::size_t kContentMax = 32000;
inline constexpr std::size_t kConversationTitleMax = 200;
inline constexpr std::size_t kUserIdMax = 255;

// Each returns the normalised (trimmed) value; on a broken rule it appends to `errors` under
// `field` and returns whatever it has, which the caller must not use when errors is non-empty.
std::string task_title(std::string_view raw, std::vector<FieldError>& errors);
std::string task_description(std::string_view raw, std::vector<FieldError>& errors);
std::vector<std::string> task_tags(const std::vector<std::string>& raw,
                                   std::vector<FieldError>& errors);
std::string conversation_title(std::string_view raw, std::vector<FieldError>& errors);
// Message content is kept exactly as sent (not trimmed).
void message_content(std::string_view raw, std::vector<FieldError>& errors);

// A user id from a token or path: non-empty valid UTF-8, at most 255 code points, no U+0000.
// (Every text rule above also refuses U+0000.)
bool is_valid_user_id(std::string_view id);

}  // namespace taskcore::rules
