// The API's field rules, shared by every use case.
#include "taskcore/domain/validation.hpp"

#include <algorithm>

#include "taskcore/domain/text.hpp"

namespace taskcore::rules {
namespace {

std::string too_long(std::size_t max) {
    return "must be at most " + std::to_string(max) + " characters";
}

// U+0000 cannot be stored faithfully everywhere (PostgreSQL text ends at it), so no text field
// may hold it.
void refuse_nul(std::string_view field, std::string_view value, std::vector<FieldError>& errors) {
    if (value.find('\0') != std::string_view::npos) {
        errors.push_back({std::string(field), "must not contain U+0000"});
    }
}

}  // namespace

std::string task_title(std::string_view raw, std::vector<FieldError>& errors) {
    const auto value = trim(raw);
    const auto n = count_code_points(value);
    if (n == 0) errors.push_back({"title", "must not be empty"});
    if (n > kTitleMax) errors.push_back({"title", too_long(kTitleMax)});
    refuse_nul("title", value, errors);
    return std::string(value);
}

std::string task_description(std::string_view raw, std::vector<FieldError>& errors) {
    const auto value = trim(raw);
    if (count_code_points(value) > kDescriptionMax) {
        errors.push_back({"description", too_long(kDescriptionMax)});
    }
    refuse_nul("description", value, errors);
    return std::string(value);
}

std::vector<std::string> task_tags(const std::vector<std::string>& raw,
                                   std::vector<FieldError>& errors) {
    std::vector<std::string> tags;
    if (raw.size() > kTagsMax) {
        errors.push_back({"tags", "must contain at most " + std::to_string(kTagsMax) + " tags"});
    }
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const std::string field = "tags[" + std::to_string(i) + "]";
        const auto tag = trim(raw[i]);
        const auto n = count_code_points(tag);
        if (n == 0) errors.push_back({field, "must not be empty"});
        if (n > kTagMax) errors.push_back({field, too_long(kTagMax)});
        refuse_nul(field, tag, errors);
        if (std::find(tags.begin(), tags.end(), tag) != tags.end()) {
            errors.push_back({field, "duplicate tag '" + std::string(tag) + "'"});
        }
        tags.emplace_back(tag);
    }
    return tags;
}

std::string conversation_title(std::string_view raw, std::vector<FieldError>& errors) {
    const auto value = trim(raw);
    if (count_code_points(value) > kConversationTitleMax) {
        errors.push_back({"title", too_long(kConversationTitleMax)});
    }
    refuse_nul("title", value, errors);
    return std::string(value);
}

void message_content(std::string_view raw, std::vector<FieldError>& errors) {
    const auto n = count_code_points(raw);
    if (n == 0) errors.push_back({"content", "must not be empty"});
    if (n > kContentMax) errors.push_back({"content", too_long(kContentMax)});
    refuse_nul("content", raw, errors);
}

bool is_valid_user_id(std::string_view id) {
    const auto n = count_code_points(id);
    return n > 0 && n <= kUserIdMax && is_valid_utf8(id) && id.find('\0') == std::string_view::npos;
}

}  // namespace taskcore::rules
