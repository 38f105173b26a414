// Concurrent creates and the after-crash audit used by the crash tests.
#include "write_load.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>

#include "server_process.hpp"

namespace taskcore::testing {

WriteLoad::WriteLoad(std::function<unsigned short()> port, std::string user, std::string token)
    : port_(std::move(port)), user_(std::move(user)), token_(std::move(token)) {}

WriteLoad::~WriteLoad() {
    stop();
}

void WriteLoad::start(int writers) {
    stopping_ = false;
    for (int w = 0; w < writers; ++w) threads_.emplace_back([this, w] { write_until_stopped(w); });
}

void WriteLoad::stop() {
    stopping_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
}

void WriteLoad::write_until_stopped(int writer) {
    const auto path = "/api/" + user_ + "/tasks";
    std::unique_ptr<HttpClient> client;
    for (int n = 0; !stopping_; ++n) {
        const auto title = std::to_string(writer) + "-" + std::to_string(n);
        bool created = false;
        try {
            if (!client) client = std::make_unique<HttpClient>(port_(), std::chrono::seconds{5});
            const auto res =
                client->request(http::verb::post, path, token_, R"({"title":")" + title + R"("})");
            created = res.result() == http::status::created;
            if (!res.keep_alive()) client.reset();
        } catch (const std::exception&) {
            client.reset();  // refused, reset or timed out: the server is down or going down
        }
        {
            const std::lock_guard lock(mutex_);
            (created ? acknowledged_ : unacknowledged_).insert(title);
        }
        if (!created) std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
}

std::set<std::string> WriteLoad::acknowledged() const {
    const std::lock_guard lock(mutex_);
    return acknowledged_;
}

std::set<std::string> WriteLoad::unacknowledged() const {
    const std::lock_guard lock(mutex_);
    return unacknowledged_;
}

std::size_t WriteLoad::acknowledged_count() const {
    const std::lock_guard lock(mutex_);
    return acknowledged_.size();
}

CrashAudit audit_after_crash(unsigned short port, const std::string& user, const std::string& token,
                             const WriteLoad& load) {
    std::map<std::string, int> stored;
    HttpClient client(port);
    for (std::size_t offset = 0;; offset += 200) {
        const auto res = client.request(
            http::verb::get, "/api/" + user + "/tasks?limit=200&offset=" + std::to_string(offset),
            token);
        if (res.result() != http::status::ok)
            throw std::runtime_error("listing after the crash failed: " + res.body());
        const auto page = boost::json::parse(res.body());
        const auto& items = page.at("data").as_array();
        for (const auto& item : items) ++stored[std::string(item.at("title").as_string())];
        if (items.size() < 200) break;
    }
    const auto acknowledged = load.acknowledged();
    const auto unacknowledged = load.unacknowledged();
    CrashAudit audit;
    audit.acknowledged = acknowledged.size();
    for (const auto& [title, copies] : stored) {
        if (copies > 1) ++audit.duplicated;
        if (acknowledged.count(title) != 0) {
            ++audit.present;
        } else if (unacknowledged.count(title) != 0) {
            ++audit.unacknowledged_stored;
        } else {
            ++audit.stored_unknown;
        }
    }
    return audit;
}

}  // namespace taskcore::testing
