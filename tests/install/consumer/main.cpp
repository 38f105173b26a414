// Uses the installed library end to end: store, service, JSON; exits non-zero on any mismatch.
#include <taskcore/json/codec.hpp>
#include <taskcore/service/task_service.hpp>
#include <taskcore/storage/store.hpp>

#include <boost/json/serialize.hpp>
#include <iostream>

int main() {
    auto store = taskcore::open_store("sqlite::memory:");
    store->migrate();
    taskcore::TaskService tasks(store->tasks());
    taskcore::NewTask input;
    input.title = "from a consumer";
    const auto created = tasks.create("consumer-user", input);
    const auto fetched = tasks.get("consumer-user", created.id);
    const auto text = boost::json::serialize(taskcore::json::to_json(fetched));
    if (fetched.title != "from a consumer" ||
        text.find("\"status\":\"pending\"") == std::string::npos) {
        std::cerr << "unexpected task: " << text << "\n";
        return 1;
    }
    std::cout << "consumer linked taskcore and stored " << created.id.to_string() << "\n";
    return 0;
}
