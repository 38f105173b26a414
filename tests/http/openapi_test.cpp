// The OpenAPI document and the router describe the same routes and methods.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <set>

#include "api.hpp"
#include "openapi.hpp"

using namespace taskcore::server;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

TEST_CASE("every router route and method is documented, and nothing else") {
    const auto doc = boost::json::parse(build_openapi_document("/api")).as_object();
    CHECK(doc.at("openapi") == "3.1.0");
    std::set<std::string> documented;
    for (const auto& [path, item] : doc.at("paths").as_object()) {
        for (const auto& [method, op] : item.as_object()) {
            if (method != "parameters") documented.insert(lower(method) + " " + std::string(path));
        }
    }
    std::set<std::string> routed;
    for (const auto& route : Api::routes()) {
        for (const auto m : route.methods) {
            routed.insert(lower(boost::beast::http::to_string(m)) + " " + route.path);
        }
    }
    CHECK(documented == routed);
    CHECK(routed.size() == 16);
}

TEST_CASE("the document follows API_PREFIX") {
    const auto doc = boost::json::parse(build_openapi_document("/v2")).as_object();
    CHECK(doc.at("paths").as_object().contains("/v2/{user_id}/tasks"));
    CHECK_FALSE(doc.at("paths").as_object().contains("/api/{user_id}/tasks"));
    CHECK(doc.at("paths").as_object().contains("/health"));
}
