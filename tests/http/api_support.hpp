// Builds an Api over a real in-memory SQLite store and calls it like a client would.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <map>
#include <string>

#include "api/api.hpp"
#include "taskcore/auth/jwt_signer.hpp"

namespace taskcore::testing {

inline const std::string kSecret = "router-test-secret-of-sufficient-length!";

inline std::string token_for(const std::string& user, std::int64_t exp_offset = 3600) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return sign_hs256({{"sub", user}, {"iat", now}, {"exp", now + exp_offset}}, kSecret);
}

struct ApiFixture {
    server::Config config = [] {
        server::Config c;
        c.better_auth_secret = kSecret;
        c.cors_origins = {"http://localhost:3000", "https://app.example.com"};
        return c;
    }();
    std::unique_ptr<Store> store = [] {
        auto s = open_store("sqlite::memory:");
        s->migrate();
        return s;
    }();
    JwtVerifier verifier{kSecret, {}};
    boost::asio::thread_pool workers{2};
    std::unique_ptr<server::Api> api = make_api();

    std::unique_ptr<server::Api> make_api() {
        return std::make_unique<server::Api>(config, *store, verifier, workers.get_executor());
    }
    void rebuild() { api = make_api(); }

    // Drives the API coroutine to completion on a local I/O context: no sockets involved.
    server::Reply run(const server::Request& req) {
        boost::asio::io_context io;
        auto reply = boost::asio::co_spawn(io, api->handle(req), boost::asio::use_future);
        io.run();
        return reply.get();
    }

    server::Response call(boost::beast::http::verb method, const std::string& target,
                          const std::string& body = "",
                          const std::map<std::string, std::string>& headers = {},
                          const std::string& user = "alice") {
        server::Request req{method, target, 11};
        if (!user.empty())
            req.set(boost::beast::http::field::authorization, "Bearer " + token_for(user));
        if (!body.empty()) req.set(boost::beast::http::field::content_type, "application/json");
        for (const auto& [k, v] : headers) {
            if (v.empty()) {
                req.erase(k);
            } else {
                req.set(k, v);
            }
        }
        req.body() = body;
        req.prepare_payload();
        return run(req).response;
    }

    static boost::json::value json(const server::Response& res) {
        return boost::json::parse(res.body());
    }

    // A response header's value, or "<absent>".
    static std::string header(const server::Response& res, std::string_view name) {
        const auto it = res.find(name);
        return it == res.end() ? std::string("<absent>") : std::string(it->value());
    }

    static std::string error_code_of(const server::Response& res) {
        return std::string(json(res).at("error").at("code").as_string());
    }

    // Creates a task (which must succeed) and returns its id.
    std::string new_task_id(const std::string& body = R"({"title":"t"})",
                            const std::string& user = "alice") {
        const auto res =
            call(boost::beast::http::verb::post, "/api/" + user + "/tasks", body, {}, user);
        REQUIRE(res.result() == boost::beast::http::status::created);
        return std::string(json(res).at("data").at("id").as_string());
    }
};

}  // namespace taskcore::testing
