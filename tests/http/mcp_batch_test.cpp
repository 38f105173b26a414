// The bounds of one MCP POST (docs/mcp.md, "Batches"): at most kMaxBatchMessages messages, an
// answer that stops growing at kMaxBatchAnswerBytes without running (or dropping) a write, and
// one rate-limit token per call, so a batch is not a way around the user's limit.
#include <catch2/catch.hpp>

#include <string>

#include "mcp/mcp_protocol.hpp"
#include "mcp_support.hpp"
#include "taskcore/service/task_service.hpp"

using namespace taskcore;
using namespace taskcore::testing;
using boost::beast::http::status;
namespace bj = boost::json;

namespace {

std::string call_message(int id, const std::string& tool, const std::string& arguments) {
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
           R"(,"method":"tools/call","params":{"name":")" + tool + R"(","arguments":)" + arguments +
           "}}";
}

// [m(0), m(1), ..., m(n-1)] as one JSON array.
template <typename Make>
std::string batch_of(int n, Make m) {
    std::string out = "[";
    for (int i = 0; i < n; ++i) out += (i > 0 ? "," : "") + m(i);
    return out + "]";
}

std::size_t count_tasks(Store& store, const std::string& user) {
    return static_cast<std::size_t>(store.tasks().list(user, {}).total);
}

}  // namespace

TEST_CASE_METHOD(McpFixture, "a batch holds at most kMaxBatchMessages messages") {
    const auto limit = static_cast<int>(server::mcp::kMaxBatchMessages);
    const auto ping = [](int i) {
        return R"({"jsonrpc":"2.0","id":)" + std::to_string(i) + R"(,"method":"ping"})";
    };
    auto res = legacy(batch_of(limit + 1, ping));
    CHECK(res.result() == status::bad_request);
    CHECK(error_code(res) == -32600);
    CHECK(error_message(res).find("at most " + std::to_string(limit)) != std::string::npos);

    res = legacy(batch_of(limit, ping));
    REQUIRE(res.result() == status::ok);
    CHECK(json(res).as_array().size() == server::mcp::kMaxBatchMessages);
}

TEST_CASE_METHOD(McpFixture, "a batch's answer stops at its bound and no write past it runs") {
    // The probe that found the defect: 200 tasks with 1,000-character descriptions, listed 200
    // at a time by every call of the batch (538 calls answered 281 MB before).
    TaskService tasks(store->tasks());
    for (int i = 0; i < 200; ++i) {
        NewTask t{"task " + std::to_string(i)};
        t.description = std::string(1000, 'd');
        tasks.create("alice", t);
    }
    const auto one = legacy(call_message(1, "list_tasks", R"({"limit":200})"));
    REQUIRE(one.result() == status::ok);
    const auto one_call = one.body().size();
    const int lists = static_cast<int>(server::mcp::kMaxBatchAnswerBytes / one_call) + 3;
    const int writes = 5;
    REQUIRE(lists + writes <= static_cast<int>(server::mcp::kMaxBatchMessages));

    const auto res = legacy(batch_of(lists + writes, [&](int i) {
        return i < lists ? call_message(i, "list_tasks", R"({"limit":200})")
                         : call_message(i, "add_task", R"({"title":"after the bound"})");
    }));
    REQUIRE(res.result() == status::ok);
    CHECK(res.body().size() <= server::mcp::kMaxBatchAnswerBytes + one_call + 16);
    const auto answers = json(res).as_array();
    REQUIRE(answers.size() == static_cast<std::size_t>(lists + writes));
    int answered = 0;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        INFO(i);
        CHECK(answers[i].at("id") == static_cast<std::int64_t>(i));  // in order, every id
        if (answers[i].as_object().contains("result")) {
            ++answered;
            CHECK(answered == static_cast<int>(i) + 1);  // refusals only after the last result
        } else {
            CHECK(answers[i].at("error").at("code") == -32030);
        }
    }
    CHECK(answered < lists);
    CHECK(static_cast<std::size_t>(answered) * one_call >= server::mcp::kMaxBatchAnswerBytes);
    CHECK(count_tasks(*store, "alice") == 200);  // none of the refused add_task calls ran
}

TEST_CASE_METHOD(McpFixture, "each call of a batch takes its own rate-limit token") {
    config.rate_limit_per_minute = 60;  // one token a second
    config.rate_limit_burst = 5;
    rebuild();
    const auto add = [](int i) {
        return call_message(i, "add_task", R"({"title":"t)" + std::to_string(i) + R"("})");
    };
    // Notifications cost nothing; the POST's token pays for the first call.
    auto res = legacy(R"([{"jsonrpc":"2.0","method":"notifications/initialized"},)" +
                      batch_of(8, add).substr(1));
    REQUIRE(res.result() == status::ok);
    const auto answers = json(res).as_array();
    REQUIRE(answers.size() == 8);
    for (std::size_t i = 0; i < answers.size(); ++i) {
        INFO(i);
        if (i < 5) {
            CHECK(answers[i].at("result").at("isError") == false);
        } else {
            CHECK(answers[i].at("error").at("code") == -32029);
            CHECK(answers[i].at("error").at("data").at("retry_after_s").as_int64() >= 1);
        }
    }
    CHECK(count_tasks(*store, "alice") == 5);
    CHECK(field(res, "RateLimit") == "\"user\";r=0;t=5");
    // The user's bucket is empty for REST too: a call and a request cost the same.
    CHECK(call(boost::beast::http::verb::get, "/api/alice/tasks").result() ==
          status::too_many_requests);
    // Another user has a bucket of their own.
    CHECK(legacy(batch_of(5, add), {}, "bob").result() == status::ok);
    CHECK(count_tasks(*store, "bob") == 5);
}
