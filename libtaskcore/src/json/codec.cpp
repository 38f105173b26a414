// Domain objects to JSON, field names and formats exactly as docs/api.md states them.
#include "taskcore/json/codec.hpp"

#include <boost/json.hpp>

#include <type_traits>
#include <variant>

namespace taskcore::json {
namespace {

// The DOM form is derived from the direct writer, so the wire shape is written down once.
template <typename T>
boost::json::value parsed(const T& item) {
    std::string text;
    append_json(text, item);
    return boost::json::parse(text);
}

}  // namespace

boost::json::value to_json(const Task& t) {
    return parsed(t);
}
boost::json::value to_json(const Conversation& c) {
    return parsed(c);
}
boost::json::value to_json(const Message& m) {
    return parsed(m);
}
boost::json::value to_json(const Change& c) {
    return parsed(c);
}

void append_json_string(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0;  // start of the pending run of bytes that need no escaping
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(text.substr(run, i - run));
        run = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out.push_back(kHex[c >> 4]);
                out.push_back(kHex[c & 0x0F]);
        }
    }
    out.append(text.substr(run));
    out.push_back('"');
}

namespace {

void append_time(std::string& out, Timestamp t) {
    out.push_back('"');
    append_rfc3339(out, t);
    out.push_back('"');
}

void append_nullable_string(std::string& out, const std::optional<std::string>& text) {
    if (text) {
        append_json_string(out, *text);
    } else {
        out += "null";
    }
}

void append_optional_time(std::string& out, const std::optional<Timestamp>& t) {
    if (t) {
        append_time(out, *t);
    } else {
        out += "null";
    }
}

}  // namespace

void append_json(std::string& out, const Task& t) {
    out += R"({"id":")";
    t.id.append_to(out);
    out += R"(","user_id":)";
    append_json_string(out, t.user_id);
    out += R"(,"title":)";
    append_json_string(out, t.title);
    out += R"(,"description":)";
    append_nullable_string(out, t.description);
    out += t.completed ? R"(,"completed":true,"status":"completed")"
                       : R"(,"completed":false,"status":"pending")";
    out += R"(,"priority":")";
    out += to_string(t.priority);
    out += R"(","due_date":)";
    append_optional_time(out, t.due_date);
    out += R"(,"tags":[)";
    for (std::size_t i = 0; i < t.tags.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_json_string(out, t.tags[i]);
    }
    out += R"(],"completed_at":)";
    append_optional_time(out, t.completed_at);
    out += R"(,"created_at":)";
    append_time(out, t.created_at);
    out += R"(,"updated_at":)";
    append_time(out, t.updated_at);
    out.push_back('}');
}

void append_json(std::string& out, const Conversation& c) {
    out += R"({"id":")";
    c.id.append_to(out);
    out += R"(","user_id":)";
    append_json_string(out, c.user_id);
    out += R"(,"title":)";
    append_nullable_string(out, c.title);
    out += R"(,"created_at":)";
    append_time(out, c.created_at);
    out += R"(,"updated_at":)";
    append_time(out, c.updated_at);
    out.push_back('}');
}

void append_json(std::string& out, const Message& m) {
    out += R"({"id":")";
    m.id.append_to(out);
    out += R"(","user_id":)";
    append_json_string(out, m.user_id);
    out += R"(,"conversation_id":")";
    m.conversation_id.append_to(out);
    out += R"(","role":")";
    out += to_string(m.role);
    out += R"(","content":)";
    append_json_string(out, m.content);
    out += R"(,"created_at":)";
    append_time(out, m.created_at);
    out.push_back('}');
}

void append_json(std::string& out, const Change& c) {
    out += R"({"seq":)";
    out += std::to_string(c.seq);
    out += R"(,"event":")";
    out += change_event_name(c);
    out += R"(","kind":")";
    out += to_string(c.kind);
    out += R"(","op":")";
    out += to_string(c.op);
    out += R"(","id":")";
    c.id.append_to(out);
    out.push_back('"');
    if (c.conversation_id) {
        out += R"(,"conversation_id":")";
        c.conversation_id->append_to(out);
        out.push_back('"');
    }
    out += R"(,"at":)";
    append_time(out, c.at);
    out += R"(,"data":)";
    std::visit(
        [&](const auto& object) {
            if constexpr (std::is_same_v<std::decay_t<decltype(object)>, std::monostate>) {
                out += R"({"id":")";
                c.id.append_to(out);
                out += R"(","deleted":true})";
            } else {
                append_json(out, object);
            }
        },
        c.current);
    out.push_back('}');
}

std::string change_event_name(const Change& change) {
    std::string name(to_string(change.kind));
    name.push_back('.');
    name += to_string(change.op);
    return name;
}

}  // namespace taskcore::json
