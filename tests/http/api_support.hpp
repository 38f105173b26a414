// Builds an Api over a real in-memory SQLite store and calls it like a client would.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <string>

#include "api.hpp"
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
    std::unique_ptr<server::Api> api = std::make_unique<server::Api>(config, *store, verifier);

    void rebuild() { api = std::make_unique<server::Api>(config, *store, verifier); }

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
        return api->handle(req);
    }

    static boost::json::value json(const server::Response& res) {
        return boost::json::parse(res.body());
    }
};

}  // namespace taskcore::testing
