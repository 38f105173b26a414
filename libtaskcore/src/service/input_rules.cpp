// Whole-input validation shared by the services (and so by every front door: REST, C++ callers).
#include "taskcore/service/input_rules.hpp"

#include <algorithm>

#include "taskcore/domain/validation.hpp"
#include "taskcore/service/query_params.hpp"

namespace taskcore {
namespace {

// True when `errors` already names `field` or one of its elements ("tags" covers "tags[3]"), or
// the body as a whole (a body that is not an object has no fields to check).
bool already_reported(const FieldErrors& errors, std::string_view field) {
    return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) {
        const std::string_view name = e.field;
        return name == field || name == "body" ||
               (name.starts_with(field) && name.size() > field.size() && name[field.size()] == '[');
    });
}

void check_description(std::optional<std::string>& description, FieldErrors& errors) {
    if (description && !already_reported(errors, "description")) {
        description = rules::task_description(*description, errors);
    }
}

void check_tags(std::vector<std::string>& tags, FieldErrors& errors) {
    if (!already_reported(errors, "tags")) tags = rules::task_tags(tags, errors);
}

}  // namespace

void check_new_task(NewTask& input, FieldErrors& errors) {
    if (!already_reported(errors, "title")) input.title = rules::task_title(input.title, errors);
    check_description(input.description, errors);
    check_tags(input.tags, errors);
}

void check_task_patch(TaskPatch& patch, FieldErrors& errors) {
    if (patch.title && !already_reported(errors, "title")) {
        patch.title = rules::task_title(*patch.title, errors);
    }
    if (patch.description) check_description(*patch.description, errors);
    if (patch.tags) check_tags(*patch.tags, errors);
}

void check_conversation_title(std::optional<std::string>& title, FieldErrors& errors) {
    if (title && !already_reported(errors, "title")) {
        title = rules::conversation_title(*title, errors);
    }
}

void check_message_content(std::string_view content, FieldErrors& errors) {
    if (!already_reported(errors, "content")) rules::message_content(content, errors);
}

void check_user_id(std::string_view user_id) {
    if (!rules::is_valid_user_id(user_id)) {
        throw ValidationError("user_id", "must be 1-255 characters of valid UTF-8 without U+0000");
    }
}

void throw_if_any(FieldErrors errors) {
    if (!errors.empty()) throw ValidationError(std::move(errors));
}

void page_rules(int limit, std::int64_t offset, bool keyset, FieldErrors& errors) {
    if (limit < 1 || limit > kMaxPageLimit) {
        errors.push_back({"limit", "must be an integer from 1 to 200"});
    }
    if (offset < 0) errors.push_back({"offset", "must be an integer >= 0"});
    if (offset != 0 && keyset) errors.push_back({"offset", "cannot be combined with cursor"});
}

void check_page(int limit, std::int64_t offset, bool keyset) {
    FieldErrors errors;
    page_rules(limit, offset, keyset, errors);
    throw_if_any(std::move(errors));
}

}  // namespace taskcore
