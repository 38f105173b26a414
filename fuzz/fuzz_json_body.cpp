// Request bodies -> strict JSON parsing -> every body decoder -> the services' input rules.
// Invariants: only MalformedJsonError or ValidationError escape; a body that passes the rules
// is normalised (trimmed, valid UTF-8, no U+0000).
#include <cstdlib>

#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/text.hpp"
#include "taskcore/json/requests.hpp"
#include "taskcore/service/input_rules.hpp"

using namespace taskcore;

namespace {

void check_text(std::string_view text) {
    if (!is_valid_utf8(text) || text.find('\0') != std::string_view::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    boost::json::value body;
    try {
        body = json::parse_body(text);
    } catch (const json::MalformedJsonError&) {
        return 0;
    }
    auto task = json::parse_new_task(body);
    check_new_task(task.value, task.problems);
    if (task.problems.empty()) {
        check_text(task.value.title);
        if (trim(task.value.title) != task.value.title) std::abort();
        for (const auto& tag : task.value.tags) check_text(tag);
    }
    auto patch = json::parse_task_patch(body);
    check_task_patch(patch.value, patch.problems);
    auto conversation = json::parse_new_conversation(body);
    check_conversation_title(conversation.value.title, conversation.problems);
    auto message = json::parse_new_message(body);
    check_message_content(message.value.content, message.problems);
    if (message.problems.empty()) check_text(message.value.content);
    try {
        (void)json::parse_completion(body);
    } catch (const ValidationError&) {
    }
    return 0;
}
