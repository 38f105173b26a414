// The one validation path of every use case: the field rules applied to whole inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/task.hpp"

namespace taskcore {

using FieldErrors = std::vector<FieldError>;

// Each normalises its input in place (trims titles, descriptions and tags) and appends every
// broken rule to `errors`. A field that already has an entry in `errors` (a decoder found it
// missing or of the wrong type) is not checked again, so each problem is reported once.
void check_new_task(NewTask& input, FieldErrors& errors);
void check_task_patch(TaskPatch& patch, FieldErrors& errors);
void check_conversation_title(std::optional<std::string>& title, FieldErrors& errors);
void check_message_content(std::string_view content, FieldErrors& errors);

// A user id as every use case takes it: 1-255 code points of valid UTF-8. Throws
// ValidationError on field "user_id" otherwise.
void check_user_id(std::string_view user_id);

// A page as every list use case takes it: limit 1-200, offset >= 0, and an offset or a keyset
// position, not both. page_rules appends each broken rule to `errors`; check_page throws
// ValidationError with them.
void page_rules(int limit, std::int64_t offset, bool keyset, FieldErrors& errors);
void check_page(int limit, std::int64_t offset, bool keyset);

// Throws ValidationError with all of `errors` unless it is empty.
void throw_if_any(FieldErrors errors);

}  // namespace taskcore
