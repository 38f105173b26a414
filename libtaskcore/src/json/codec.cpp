// Domain objects to JSON, field names and formats exactly as in the contract.
#include "taskcore/json/codec.hpp"

#include <boost/json.hpp>

namespace taskcore::json {
namespace {

boost::json::value optional_time(const std::optional<Timestamp>& t) {
    if (!t) return nullptr;
    return boost::json::string(format_rfc3339(*t));
}

}  // namespace

boost::json::value to_json(const Task& t) {
    boost::json::array tags;
    tags.reserve(t.tags.size());
    for (const auto& tag : t.tags) tags.emplace_back(tag);
    return boost::json::object{
        {"id", t.id.to_string()},
        {"user_id", t.user_id},
        {"title", t.title},
        {"description", t.description ? boost::json::value(*t.description) : nullptr},
        {"completed", t.completed},
        {"status", status_name(t.completed)},
        {"priority", to_string(t.priority)},
        {"due_date", optional_time(t.due_date)},
        {"tags", std::move(tags)},
        {"completed_at", optional_time(t.completed_at)},
        {"created_at", format_rfc3339(t.created_at)},
        {"updated_at", format_rfc3339(t.updated_at)},
    };
}

boost::json::value to_json(const Conversation& c) {
    return boost::json::object{
        {"id", c.id.to_string()},
        {"user_id", c.user_id},
        {"title", c.title ? boost::json::value(*c.title) : nullptr},
        {"created_at", format_rfc3339(c.created_at)},
        {"updated_at", format_rfc3339(c.updated_at)},
    };
}

boost::json::value to_json(const Message& m) {
    return boost::json::object{
        {"id", m.id.to_string()},
        {"user_id", m.user_id},
        {"conversation_id", m.conversation_id.to_string()},
        {"role", to_string(m.role)},
        {"content", m.content},
        {"created_at", format_rfc3339(m.created_at)},
    };
}

}  // namespace taskcore::json
