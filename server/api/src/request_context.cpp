// Path ids, bodies and Location bases for handlers.
#include "api/request_context.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>

#include "http/error_catalogue.hpp"
#include "http/response_headers.hpp"
#include "http/url.hpp"
#include "taskcore/domain/text.hpp"
#include "taskcore/json/requests.hpp"

namespace taskcore::server {

void RequestContext::require_json_content_type() const {
    const auto& req = request;
    const auto value = header_value(req, http::field::content_type);
    const auto semicolon = value.find(';');
    const auto media = trim(value.substr(0, semicolon));
    bool ok = boost::beast::iequals(media, "application/json");
    if (ok && semicolon != std::string_view::npos) {
        std::string params(value.substr(semicolon + 1));
        std::transform(params.begin(), params.end(), params.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto charset = params.find("charset=");
        if (charset != std::string::npos) {
            auto cs = trim(std::string_view(params).substr(charset + 8));
            cs = cs.substr(0, cs.find(';'));
            if (!cs.empty() && cs.front() == '"') cs = cs.substr(1, cs.size() - 2);
            ok = cs == "utf-8" || cs == "utf8";
        }
    }
    if (!ok) {
        throw ApiError(ErrorCode::unsupported_media_type,
                       "request body must be sent with Content-Type: application/json");
    }
}

Uuid RequestContext::id() const {
    auto id = parse_uuid(match.id);
    if (!id) {
        throw ValidationError("id", "must be a UUID like 0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b");
    }
    return *id;
}

std::optional<boost::json::value> RequestContext::body(bool required) const {
    if (!has_body()) {
        if (required) throw ValidationError("body", "is required (a JSON object)");
        return std::nullopt;
    }
    require_json_content_type();
    return json::parse_body(request.body());
}

void RequestContext::charge(std::string_view key) {
    if (resources.limiter == nullptr) return;
    rate = resources.limiter->take(key);
    if (!rate->allowed) {
        throw ApiError(ErrorCode::rate_limited,
                       "too many requests; retry in " + std::to_string(rate->retry_after_s) + " s",
                       {{http::field::retry_after, std::to_string(rate->retry_after_s)}});
    }
}

std::string RequestContext::user_path() const {
    return resources.config.api_prefix + "/" + percent_encode_segment(user);
}

}  // namespace taskcore::server
