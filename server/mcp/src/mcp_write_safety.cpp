// The tool runner: idempotency_key and if_match for the write tools, from the tool table's flags.
#include "mcp/mcp_write_safety.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

#include "http/etag.hpp"
#include "mcp/mcp_tool_handlers.hpp"
#include "ops/sha256.hpp"
#include "taskcore/domain/errors.hpp"

namespace taskcore::server::mcp {
namespace {

namespace bj = boost::json;

// Removes `name` from `arguments`; its string value, if it was there.
std::optional<std::string> take(bj::object& arguments, std::string_view name) {
    const auto it = arguments.find(name);
    if (it == arguments.end()) return std::nullopt;
    std::string value(it->value().as_string());
    arguments.erase(it);
    return value;
}

// The same arguments in any member order serialize the same.
void append_canonical(std::string& out, const bj::value& value) {
    if (!value.is_object()) {
        out += bj::serialize(value);
        return;
    }
    std::vector<const bj::key_value_pair*> members;
    for (const auto& member : value.as_object()) members.push_back(&member);
    std::sort(members.begin(), members.end(),
              [](const auto* a, const auto* b) { return a->key() < b->key(); });
    out.push_back('{');
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out.push_back(',');
        out += bj::serialize(bj::string(members[i]->key()));
        out.push_back(':');
        append_canonical(out, members[i]->value());
    }
    out.push_back('}');
}

// What makes two calls "the same" for a key: the tool and its arguments (if_match included).
// A REST request never has this fingerprint, so one key cannot serve both.
std::string fingerprint(const Tool& tool, const bj::object& arguments,
                        const std::optional<std::string>& tag) {
    std::string input = "mcp tools/call " + std::string(tool.name) + "\n";
    append_canonical(input, arguments);
    if (tag) input += "\nif_match " + *tag;
    return sha256_hex(input);
}

Precondition precondition_of(const std::string& tag) {
    const auto version = version_of_etag(tag);
    if (!version) {
        throw ValidationError("if_match",
                              "must be the etag a task tool returned, e.g. \"v1733500000000\"");
    }
    return Precondition{std::vector<Timestamp>{*version}};
}

Awaitable<std::string> run_write(const Tool& tool, const ToolCall& call,
                                 const std::optional<std::string>& key, std::string print) {
    const ToolWrite write = tool.write;
    std::function<std::string(UnitOfWork&)> effect = [&call, write](UnitOfWork& unit) {
        return write(call, unit);
    };
    if (!key) {
        auto unkeyed = call.services.write(std::move(effect));
        co_return co_await std::move(unkeyed);
    }
    std::function<StoredResponse(UnitOfWork&)> stored = [&effect](UnitOfWork& unit) {
        return StoredResponse{200, {}, {}, effect(unit)};
    };
    auto once = call.services.run_once(call.user, *key, std::move(print), std::move(stored));
    const auto outcome = co_await std::move(once);
    co_return outcome.response.body;
}

}  // namespace

Awaitable<ToolOutput> run_tool(const Tool& tool, AsyncServices& services, const std::string& user,
                               const bj::object& arguments) {
    ToolOutput output;
    if (tool.write == nullptr) {  // reads take neither argument: no copy of the arguments
        // Named awaitables throughout: GCC 12 destroys some temporaries of a co_await
        // expression twice (a double free, found in the tests).
        const ToolCall read{services, user, arguments};  // outlives the handler's frame
        auto reading = tool.handler(read);
        output.text = co_await std::move(reading);
        co_return output;
    }
    bj::object rest = arguments;
    const auto key = take(rest, "idempotency_key");
    const auto tag = take(rest, "if_match");
    ToolCall call{services, user, rest};
    if (tag) call.expected = precondition_of(*tag);
    std::string print = key ? fingerprint(tool, rest, tag) : std::string();
    bool stale = false;
    try {
        auto writing = run_write(tool, call, key, std::move(print));
        output.text = co_await std::move(writing);
    } catch (const PreconditionFailedError&) {
        if (!tag) throw;
        stale = true;  // answered below: no co_await in a handler
    }
    if (!stale) co_return output;
    // Only task tools are conditional; the task exists (else NotFoundError, not stale).
    const auto id = parse_uuid(rest.at("task_id").as_string());
    auto reading = services.get_task(user, *id);
    const auto current = co_await std::move(reading);
    output.text = "the task changed since that etag (if_match " + *tag +
                  "); nothing was written. Its current state: " + tools::task_result(current);
    output.is_error = true;
    co_return output;
}

}  // namespace taskcore::server::mcp
