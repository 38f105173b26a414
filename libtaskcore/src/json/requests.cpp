// Request body decoding: every type error and unknown field is collected (the services add the
// broken rules), so the client gets them all in one 422.
#include "taskcore/json/requests.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <initializer_list>

#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/text.hpp"

namespace taskcore::json {
namespace {

namespace bj = boost::json;
using Names = std::initializer_list<std::string_view>;

const Names kTaskWritable{"title", "description", "completed", "priority", "due_date", "tags"};
const Names kTaskReadOnly{"id", "user_id", "status", "completed_at", "created_at", "updated_at"};

bool contains(Names names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Reads typed fields from a JSON object body, recording a FieldError for each problem.
class BodyReader {
  public:
    BodyReader(const bj::value& body, Names writable, Names ignored) {
        if (!body.is_object()) {
            errors_.push_back({"body", "must be a JSON object"});
            return;
        }
        object_ = &body.get_object();
        for (const auto& entry : *object_) {
            const std::string_view key = entry.key();
            if (!contains(writable, key) && !contains(ignored, key)) {
                errors_.push_back({std::string(key), "unknown field"});
            }
        }
    }

    [[nodiscard]] const bj::value* find(std::string_view name) const {
        return object_ == nullptr ? nullptr : object_->if_contains(name);
    }

    // Absent: nullopt. Present: the string, or an error when it is not one (null included).
    std::optional<std::string> text(std::string_view name) {
        const auto* v = find(name);
        if (v == nullptr) return std::nullopt;
        if (!v->is_string()) {
            error(name, "must be a string");
            return std::nullopt;
        }
        return std::string(v->get_string());
    }

    // Absent: nullopt. Present: null or the string.
    std::optional<std::optional<std::string>> nullable_text(std::string_view name) {
        const auto* v = find(name);
        if (v == nullptr) return std::nullopt;
        if (v->is_null()) return std::optional<std::string>{};
        if (!v->is_string()) {
            error(name, "must be a string or null");
            return std::nullopt;
        }
        return std::optional<std::string>{std::string(v->get_string())};
    }

    std::optional<bool> boolean(std::string_view name) {
        const auto* v = find(name);
        if (v == nullptr) return std::nullopt;
        if (!v->is_bool()) {
            error(name, "must be true or false");
            return std::nullopt;
        }
        return v->get_bool();
    }

    std::optional<Priority> priority() {
        auto raw = text("priority");
        if (!raw) return std::nullopt;
        auto p = parse_priority(*raw);
        if (!p) error("priority", "must be one of low, medium, high");
        return p;
    }

    std::optional<std::optional<Timestamp>> due_date() {
        auto raw = nullable_text("due_date");
        if (!raw) return std::nullopt;
        if (!*raw) return std::optional<Timestamp>{};
        auto t = parse_rfc3339(**raw);
        if (!t) {
            error("due_date",
                  "must be an RFC 3339 timestamp in years 0001-9999 (UTC), such as "
                  "2026-11-22T20:19:49.123Z");
            return std::nullopt;
        }
        return std::optional<Timestamp>{*t};
    }

    std::optional<std::vector<std::string>> tags() {
        const auto* v = find("tags");
        if (v == nullptr) return std::nullopt;
        if (!v->is_array()) {
            error("tags", "must be an array of strings");
            return std::nullopt;
        }
        std::vector<std::string> raw;
        bool all_strings = true;
        for (std::size_t i = 0; i < v->get_array().size(); ++i) {
            const auto& item = v->get_array()[i];
            if (!item.is_string()) {
                errors_.push_back({"tags[" + std::to_string(i) + "]", "must be a string"});
                all_strings = false;
                continue;
            }
            raw.emplace_back(item.get_string());
        }
        if (!all_strings) return std::nullopt;
        return raw;
    }

    void error(std::string_view field, std::string message) {
        errors_.push_back({std::string(field), std::move(message)});
    }
    std::vector<FieldError>& errors() { return errors_; }

    void throw_if_errors() {
        if (!errors_.empty()) throw ValidationError(std::move(errors_));
    }

    template <typename T>
    Decoded<T> done(T value) {
        return {std::move(value), std::move(errors_)};
    }

  private:
    const bj::object* object_ = nullptr;
    std::vector<FieldError> errors_;
};

}  // namespace

bj::value parse_body(std::string_view text) {
    // Boost.JSON validates UTF-8 (including escaped surrogate pairs) and rejects comments,
    // trailing commas and NaN/Infinity with the default options; we only bound the depth.
    bj::parse_options options;
    options.max_depth = 64;
    boost::system::error_code ec;
    bj::value value = bj::parse(text, ec, {}, options);
    if (ec) throw MalformedJsonError("request body is not valid JSON: " + ec.message());
    return value;
}

Decoded<NewTask> parse_new_task(const bj::value& body) {
    BodyReader r(body, kTaskWritable, kTaskReadOnly);
    NewTask task;
    if (auto title = r.text("title")) {
        task.title = std::move(*title);
    } else if (r.find("title") == nullptr && body.is_object()) {
        r.error("title", "is required");
    }
    if (auto d = r.nullable_text("description"); d && *d) task.description = std::move(**d);
    task.completed = r.boolean("completed").value_or(false);
    task.priority = r.priority().value_or(Priority::medium);
    if (auto due = r.due_date()) task.due_date = *due;
    if (auto tags = r.tags()) task.tags = std::move(*tags);
    return r.done(std::move(task));
}

Decoded<TaskPatch> parse_task_patch(const bj::value& body) {
    BodyReader r(body, kTaskWritable, kTaskReadOnly);
    TaskPatch patch;
    patch.title = r.text("title");
    patch.description = r.nullable_text("description");
    patch.completed = r.boolean("completed");
    patch.priority = r.priority();
    patch.due_date = r.due_date();
    patch.tags = r.tags();
    return r.done(std::move(patch));
}

bool parse_completion(const bj::value& body) {
    BodyReader r(body, {"completed"}, {});
    const auto completed = r.boolean("completed");
    if (!completed && r.errors().empty()) r.error("completed", "is required");
    r.throw_if_errors();
    return *completed;
}

Decoded<NewConversation> parse_new_conversation(const bj::value& body) {
    BodyReader r(body, {"title"}, {"id", "user_id", "created_at", "updated_at"});
    NewConversation conversation;
    if (auto t = r.nullable_text("title"); t && *t) conversation.title = std::move(**t);
    return r.done(std::move(conversation));
}

Decoded<NewMessage> parse_new_message(const bj::value& body) {
    BodyReader r(body, {"role", "content"}, {"id", "user_id", "conversation_id", "created_at"});
    NewMessage message;
    if (auto role = r.text("role")) {
        if (auto parsed = parse_message_role(*role)) {
            message.role = *parsed;
        } else {
            r.error("role", "must be one of user, assistant, system, tool");
        }
    } else if (r.find("role") == nullptr && body.is_object()) {
        r.error("role", "is required");
    }
    if (auto content = r.text("content")) {
        message.content = std::move(*content);
    } else if (r.find("content") == nullptr && body.is_object()) {
        r.error("content", "is required");
    }
    return r.done(std::move(message));
}

}  // namespace taskcore::json
