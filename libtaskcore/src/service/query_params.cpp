// List query parameter rules of docs/api.md §6/§7.
#include "taskcore/service/query_params.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/text.hpp"
#include "taskcore/service/input_rules.hpp"
#include "taskcore/service/list_cursor.hpp"

namespace taskcore {
namespace {

// Plain decimal digits only: "+1", " 1", "1e2" and 23-digit numbers are all errors.
std::optional<std::int64_t> parse_integer(std::string_view s) {
    std::int64_t value = 0;
    if (s.empty() || s.size() > 18) return std::nullopt;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size() || s[0] == '-') return std::nullopt;
    return value;
}

class ParamReader {
  public:
    ParamReader(const QueryParams& params, std::initializer_list<std::string_view> known) {
        std::set<std::string, std::less<>> seen;
        for (const auto& [key, value] : params) {
            if (std::find(known.begin(), known.end(), key) == known.end()) {
                errors.push_back({key, "unknown query parameter"});
            } else if (!seen.insert(key).second) {
                errors.push_back({key, "given more than once"});
            } else if (!is_valid_utf8(value)) {
                errors.push_back({key, "must be valid UTF-8"});
            } else if (value.find('\0') != std::string::npos) {
                errors.push_back({key, "must not contain U+0000"});
            } else {
                values.emplace_back(key, value);
            }
        }
    }

    [[nodiscard]] const std::string* get(std::string_view key) const {
        for (const auto& [k, v] : values) {
            if (k == key) return &v;
        }
        return nullptr;
    }

    // The numbers are read here; their ranges and the offset/cursor rule are the services'
    // own (check_page), applied to what was read.
    PageRequest page(int default_limit) {
        PageRequest page{default_limit, 0, std::nullopt};
        if (const auto* raw = get("limit")) {
            // Not a number: 0, which the range rule reports; past 200: 201, likewise.
            const auto n = parse_integer(*raw).value_or(0);
            page.limit = static_cast<int>(std::min<std::int64_t>(n, kMaxPageLimit + 1));
        }
        if (const auto* raw = get("offset")) {
            const auto n = parse_integer(*raw);
            if (!n) errors.push_back({"offset", "must be an integer >= 0 (at most 18 digits)"});
            page.offset = n.value_or(0);
        }
        page_rules(page.limit, page.offset, get("cursor") != nullptr, errors);
        return page;
    }

    // The cursor's own content, decoded by `decode`; a cursor that does not decode is an error.
    template <typename Decode>
    auto cursor(Decode decode) -> decltype(decode(std::string_view{})) {
        const auto* raw = get("cursor");
        if (!raw) return std::nullopt;
        auto decoded = decode(*raw);
        if (!decoded) {
            errors.push_back({"cursor",
                              "is not a cursor of this list (changed, cut short, or from another "
                              "list); start again without it"});
        }
        return decoded;
    }

    void throw_if_errors() {
        if (!errors.empty()) throw ValidationError(std::move(errors));
    }

    std::vector<FieldError> errors;

  private:
    std::vector<std::pair<std::string, std::string>> values;
};

std::optional<TaskSortKey> parse_sort_key(std::string_view s) {
    for (const auto key : kTaskSortKeys) {
        if (to_string(key) == s) return key;
    }
    return std::nullopt;
}

// Same filters and sort: the same list.
bool same_list(const TaskListQuery& a, const TaskListQuery& b) {
    return a.status == b.status && a.priority == b.priority && a.tag == b.tag && a.text == b.text &&
           a.sort == b.sort && a.descending == b.descending;
}

// A cursor pins the filters and sort it was made with: the request may repeat them, not change
// them (that would continue another list from this one's position). `q` becomes the cursor's
// list with the request's limit.
void continue_from_cursor(ParamReader& r, TaskListQuery& q) {
    auto pinned = r.cursor(decode_task_cursor);
    if (!pinned) return;
    const bool restated =
        r.get("status") || r.get("priority") || r.get("tag") || r.get("q") || r.get("sort");
    if (restated && !same_list(q, *pinned)) {
        r.errors.push_back({"cursor",
                            "was made for other filters or another sort; repeat them exactly or "
                            "leave them out"});
    }
    pinned->limit = q.limit;
    q = std::move(*pinned);
}

}  // namespace

TaskListQuery parse_task_list_query(const QueryParams& params) {
    ParamReader r(params, {"status", "priority", "tag", "q", "sort", "limit", "offset", "cursor"});
    TaskListQuery q;
    if (const auto* s = r.get("status")) {
        if (*s == "all") {
            q.status = StatusFilter::all;
        } else if (*s == "pending") {
            q.status = StatusFilter::pending;
        } else if (*s == "completed") {
            q.status = StatusFilter::completed;
        } else {
            r.errors.push_back({"status", "must be one of all, pending, completed"});
        }
    }
    if (const auto* p = r.get("priority")) {
        q.priority = parse_priority(*p);
        if (!q.priority) r.errors.push_back({"priority", "must be one of low, medium, high"});
    }
    if (const auto* t = r.get("tag")) {
        const auto tag = trim(*t);
        if (tag.empty()) {
            r.errors.push_back({"tag", "must not be empty"});
        } else {
            q.tag = std::string(tag);
        }
    }
    if (const auto* text = r.get("q")) {
        // An empty q matches everything, like no q at all.
        if (!text->empty()) q.text = fold_case(*text);
    }
    if (const auto* s = r.get("sort")) {
        std::string_view key = *s;
        q.descending = key.starts_with('-');
        if (q.descending) key.remove_prefix(1);
        const auto parsed = parse_sort_key(key);
        if (!parsed) {
            r.errors.push_back({"sort",
                                "must be one of created_at, updated_at, due_date, title, priority, "
                                "optionally prefixed with -"});
        } else {
            q.sort = *parsed;
        }
    }
    const auto page = r.page(kTaskPageDefault);
    q.limit = page.limit;
    q.offset = page.offset;
    continue_from_cursor(r, q);
    r.throw_if_errors();
    return q;
}

PageRequest parse_conversation_page(const QueryParams& params) {
    ParamReader r(params, {"limit", "offset", "cursor"});
    auto page = r.page(kConversationPageDefault);
    page.after = r.cursor(decode_conversation_cursor);
    r.throw_if_errors();
    return page;
}

PageRequest parse_message_page(const QueryParams& params, const Uuid& conversation_id) {
    ParamReader r(params, {"limit", "offset", "cursor"});
    auto page = r.page(kMessagePageDefault);
    page.after = r.cursor(
        [&](std::string_view cursor) { return decode_message_cursor(cursor, conversation_id); });
    r.throw_if_errors();
    return page;
}

namespace {

std::optional<std::int64_t> read_since(ParamReader& r) {
    const auto* raw = r.get("since");
    if (raw == nullptr) return std::nullopt;
    const auto n = parse_integer(*raw);
    if (!n) r.errors.push_back({"since", "must be an integer >= 0 (a seq of this feed)"});
    return n.value_or(0);
}

}  // namespace

ChangesQuery parse_changes_query(const QueryParams& params) {
    ParamReader r(params, {"since", "limit"});
    ChangesQuery q;
    q.limit = r.page(kChangesPageDefault).limit;
    q.since = read_since(r).value_or(0);
    r.throw_if_errors();
    return q;
}

std::optional<std::int64_t> parse_events_since(const QueryParams& params) {
    ParamReader r(params, {"since"});
    const auto since = read_since(r);
    r.throw_if_errors();
    return since;
}

std::optional<std::int64_t> parse_last_event_id(std::string_view value) {
    return parse_integer(value);
}

}  // namespace taskcore
