// Request targets -> path splitting, query parsing, the list query rules (cursors included), and
// percent-encoding.
// Invariants: only ValidationError escapes the rules; encoding a decoded segment gives plain
// ASCII that decodes back to it, and is never a dot-segment.
#include <cstdlib>

#include "http/url.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/service/query_params.hpp"

using namespace taskcore;
using namespace taskcore::server;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view target(reinterpret_cast<const char*>(data), size);
    const auto question = target.find('?');
    if (const auto segments = split_path(target.substr(0, question))) {
        for (const auto& segment : *segments) {
            const auto encoded = percent_encode_segment(segment);
            for (const char c : encoded) {
                if (c <= 0x20 || c >= 0x7F) std::abort();
            }
            if (encoded == "." || encoded == "..") std::abort();
            if (percent_decode(encoded) != segment) std::abort();
        }
    }
    if (question == std::string_view::npos) return 0;
    const auto query = parse_query(target.substr(question + 1));
    if (!query) return 0;
    try {
        const auto list = parse_task_list_query(*query);
        if (list.limit < 1 || list.limit > 200 || list.offset < 0) std::abort();
        if (list.after && list.offset != 0) std::abort();  // a cursor never comes with an offset
    } catch (const ValidationError&) {
    }
    try {
        const auto page = parse_conversation_page(*query);
        if (page.after && page.offset != 0) std::abort();
        (void)parse_message_page(*query, Uuid{});
    } catch (const ValidationError&) {
    }
    return 0;
}
