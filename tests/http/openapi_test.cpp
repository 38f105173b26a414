// The OpenAPI document and the router are both derived from the one route table, and every
// documented operation is one the router actually serves.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <set>

#include "api/openapi.hpp"
#include "api/route_table.hpp"
#include "api_support.hpp"
#include "taskcore/version.hpp"

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
    for (const auto& route : route_table()) {
        if (!route.documented) continue;  // the /docs page and its files
        for (const auto& op : route.operations) {
            routed.insert(lower(boost::beast::http::to_string(op.method)) + " " +
                          std::string(route.path));
        }
    }
    CHECK(documented == routed);
    CHECK(routed.size() == 22);
}

TEST_CASE_METHOD(taskcore::testing::ApiFixture,
                 "every documented operation is served: its path matches and Allow lists it") {
    const auto doc = boost::json::parse(build_openapi_document("/api")).as_object();
    for (const auto& [path, item] : doc.at("paths").as_object()) {
        std::string concrete(path);
        for (const auto& [placeholder, value] :
             {std::pair<std::string, std::string>{"{user_id}", "alice"},
              {"{id}", "0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b"}}) {
            if (const auto at = concrete.find(placeholder); at != std::string::npos)
                concrete.replace(at, placeholder.size(), value);
        }
        const auto res = call(boost::beast::http::verb::options, concrete, "", {}, "");
        INFO(concrete);
        REQUIRE(res.result() == boost::beast::http::status::no_content);
        const std::string allow(res.at(boost::beast::http::field::allow));
        for (const auto& [method, op] : item.as_object()) {
            if (method == "parameters") continue;
            std::string upper(method);
            for (auto& c : upper)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            CHECK(allow.find(upper) != std::string::npos);
        }
    }
}

TEST_CASE("the error-code enum is the catalogue's and the version is the build's") {
    const auto doc = boost::json::parse(build_openapi_document("/api")).as_object();
    const auto& codes = doc.at("components")
                            .at("schemas")
                            .at("Error")
                            .at("properties")
                            .at("error")
                            .at("properties")
                            .at("code")
                            .at("enum")
                            .as_array();
    REQUIRE(codes.size() == kErrorCatalogue.size());
    for (std::size_t i = 0; i < codes.size(); ++i)
        CHECK(codes[i].as_string() == kErrorCatalogue[i].name);
    CHECK(doc.at("info").at("version").as_string() == taskcore::kVersion);
}

TEST_CASE("the document follows API_PREFIX") {
    const auto doc = boost::json::parse(build_openapi_document("/v2")).as_object();
    CHECK(doc.at("paths").as_object().contains("/v2/{user_id}/tasks"));
    CHECK_FALSE(doc.at("paths").as_object().contains("/api/{user_id}/tasks"));
    CHECK(doc.at("paths").as_object().contains("/health"));
}

TEST_CASE("every list operation documents cursor paging: the parameter, next_cursor and Link") {
    const auto doc = boost::json::parse(build_openapi_document("/api")).as_object();
    const auto& components = doc.at("components").as_object();
    int lists = 0;
    for (const auto& [path, item] : doc.at("paths").as_object()) {
        const auto* get = item.as_object().if_contains("get");
        if (get == nullptr) continue;
        const auto& response = get->as_object().at("responses").as_object().at("200");
        const auto* ref = response.as_object().if_contains("$ref");
        if (ref == nullptr || !ref->as_string().ends_with("List")) continue;
        ++lists;
        INFO(path);
        bool cursor = false;
        for (const auto& p : get->as_object().at("parameters").as_array()) {
            const auto* r = p.as_object().if_contains("$ref");
            if (r != nullptr && *r == "#/components/parameters/Cursor") cursor = true;
        }
        CHECK(cursor);
        const auto name = std::string(ref->as_string()).substr(ref->as_string().rfind('/') + 1);
        const auto& headers = components.at("responses").at(name).at("headers").as_object();
        CHECK(headers.contains("Link"));
        CHECK(headers.contains("ETag"));
    }
    CHECK(lists == 3);
    const auto& meta = components.at("schemas").at("ListMeta").at("allOf").at(1).as_object();
    const auto& required = meta.at("required").as_array();
    CHECK(std::find(required.begin(), required.end(), boost::json::value("next_cursor")) !=
          required.end());
}

TEST_CASE("every operation has a unique operationId, a tag and the error statuses it can return") {
    const auto doc = boost::json::parse(build_openapi_document("/api")).as_object();
    CHECK(doc.at("servers").as_array().at(0).at("url") == "/");
    const auto& schemes = doc.at("components").at("securitySchemes").as_object();
    CHECK(schemes.contains("bearerAuth"));
    CHECK(schemes.contains("betterAuthJwt"));
    std::set<std::string> ids;
    for (const auto& [path, item] : doc.at("paths").as_object()) {
        for (const auto& [method, value] : item.as_object()) {
            if (method == "parameters") continue;
            CAPTURE(path, method);
            const auto& op = value.as_object();
            CHECK(ids.insert(std::string(op.at("operationId").as_string())).second);
            CHECK(op.at("tags").as_array().size() == 1);
            const auto& responses = op.at("responses").as_object();
            CHECK(responses.contains("405"));
            if (!path.starts_with("/api/")) continue;
            for (const auto* status : {"401", "403", "422", "429", "503"}) {
                CAPTURE(status);
                CHECK(responses.contains(status));
            }
            if (path.ends_with("{id}")) CHECK(responses.contains("404"));
            if (op.contains("requestBody")) {
                for (const auto* status : {"400", "413", "415"}) {
                    CAPTURE(status);
                    CHECK(responses.contains(status));
                }
            }
        }
    }
    CHECK(ids.size() == 22);
    // Each error response's example is the envelope with a catalogue code of that status.
    const auto& components = doc.at("components").at("responses").as_object();
    const auto& e401 = components.at("Error401").as_object();
    CHECK(e401.at("content").at("application/json").at("example").at("error").at("code") ==
          "UNAUTHORIZED");
    CHECK(e401.at("headers").as_object().contains("WWW-Authenticate"));
    CHECK(components.at("Error422").at("description").as_string().find("IDEMPOTENCY_KEY_REUSED") !=
          std::string::npos);
}

TEST_CASE("PUBLIC_URL becomes the document's server") {
    const auto doc =
        boost::json::parse(build_openapi_document("/api", "/mcp", "https://tasks.example.com"))
            .as_object();
    CHECK(doc.at("servers").as_array().at(0).at("url") == "https://tasks.example.com");
}
