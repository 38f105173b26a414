// Demo data with fixed ids, so running seed twice changes nothing.
#include "ops/seed.hpp"

#include <cctype>

#include <boost/json.hpp>

#include <array>
#include <chrono>

#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/domain/text.hpp"

namespace taskcore::server {
namespace {

struct DemoTask {
    const char* title;
    const char* description;
    bool completed;
    Priority priority;
    std::array<const char*, 2> tags;
    int due_in_days;  // 0: no due date
};

constexpr std::array<DemoTask, 5> kDemoTasks{{
    {"Try the taskcore API",
     "Follow the README's curl examples",
     true,
     Priority::high,
     {"onboarding", nullptr},
     0},
    {"Buy groceries", "Milk, eggs, bread", false, Priority::medium, {"home", "errands"}, 1},
    {"Write the quarterly report", nullptr, false, Priority::high, {"work", nullptr}, 7},
    {"Book dentist appointment", nullptr, false, Priority::low, {"health", nullptr}, 30},
    {"Read a book", "Something über-interesting", true, Priority::low, {nullptr, nullptr}, 0},
}};

// Fixed UUIDv7-shaped ids: user index u, item index i.
Uuid demo_id(int user, int kind, int item) {
    char text[37];
    std::snprintf(text, sizeof text, "0193a000-0000-7000-8000-%04d%04d%04d", user, kind, item);
    return *parse_uuid(text);
}

// The demo tasks of user number `u` (0-based) that are missing; returns how many were created.
int seed_tasks(Store& store, int u, const std::string& user, Timestamp now) {
    int created = 0;
    for (int i = 0; i < static_cast<int>(kDemoTasks.size()); ++i) {
        const auto& demo = kDemoTasks[static_cast<std::size_t>(i)];
        const auto id = demo_id(u + 1, 1, i + 1);
        if (store.tasks().find(user, id)) continue;
        Task t;
        t.id = id;
        t.user_id = user;
        t.title = demo.title;
        if (demo.description != nullptr) t.description = demo.description;
        t.completed = demo.completed;
        t.priority = demo.priority;
        for (const char* tag : demo.tags) {
            if (tag != nullptr) t.tags.emplace_back(tag);
        }
        if (demo.due_in_days > 0) t.due_date = now + std::chrono::days{demo.due_in_days};
        t.created_at = t.updated_at = now + std::chrono::milliseconds{i};
        if (t.completed) t.completed_at = t.created_at;
        store.tasks().insert(t);
        ++created;
    }
    return created;
}

// The demo conversation with its messages, unless it exists; returns 1 when it was created.
int seed_conversation(Store& store, int u, const std::string& user, Timestamp now) {
    const auto conversation_id = demo_id(u + 1, 2, 1);
    if (store.conversations().find(user, conversation_id)) return 0;
    store.conversations().insert({conversation_id, user, "Planning my week", now, now});
    const std::array<std::pair<MessageRole, const char*>, 3> messages{{
        {MessageRole::system, "You are a helpful planning assistant."},
        {MessageRole::user, "What should I focus on this week?"},
        {MessageRole::assistant, "Start with the quarterly report: it is due in 7 days."},
    }};
    for (int m = 0; m < 3; ++m) {
        const auto& [role, content] = messages[static_cast<std::size_t>(m)];
        store.conversations().append_message({demo_id(u + 1, 3, m + 1), user, conversation_id, role,
                                              content, now + std::chrono::milliseconds{m}});
    }
    return 1;
}

void print_tokens(const Config& config, std::ostream& out) {
    if (!config.better_auth_secret) {
        out << "seed: BETTER_AUTH_SECRET is not set, so no tokens were printed\n";
        return;
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::string host = config.host == "0.0.0.0" ? "localhost" : config.host;
    for (const char* user : kDemoUsers) {
        boost::json::object claims{{"sub", user}, {"iat", now}, {"exp", now + 3600}};
        if (config.jwt_issuer) claims["iss"] = *config.jwt_issuer;
        if (config.jwt_audience) claims["aud"] = *config.jwt_audience;
        const auto token = sign_hs256(claims, *config.better_auth_secret);
        // One shell variable per user (demo-alice: ALICE_TOKEN), so the block pastes as a whole.
        std::string variable;
        for (const char c : std::string_view(user).substr(std::string_view("demo-").size())) {
            variable += std::isalnum(static_cast<unsigned char>(c)) != 0
                            ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                            : '_';
        }
        variable += "_TOKEN";
        out << "\n# " << user << " (token valid for 1 hour)\n"
            << variable << "=" << token << "\n"
            << "curl -H \"Authorization: Bearer $" << variable << "\" http://" << host << ":"
            << config.port << config.api_prefix << "/" << user << "/tasks\n";
    }
}

}  // namespace

void run_seed(Store& store, const Config& config, bool reset, std::ostream& out) {
    const auto now = now_ms();
    int created = 0;
    for (int u = 0; u < 2; ++u) {
        const std::string user = kDemoUsers[u];
        if (reset) store.delete_user_data(user);
        created += seed_tasks(store, u, user, now);
        created += seed_conversation(store, u, user, now);
    }
    out << "seed: " << created << " demo rows created (" << (reset ? "after reset" : "idempotent")
        << ")\n";
    print_tokens(config, out);
}

}  // namespace taskcore::server
