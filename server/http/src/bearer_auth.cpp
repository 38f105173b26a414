// Bearer token parsing and verification (RFC 6750 challenges on failure).
#include "http/bearer_auth.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>

#include "http/error_catalogue.hpp"
#include "http/response_headers.hpp"
#include "ops/logger.hpp"
#include "taskcore/domain/text.hpp"

namespace taskcore::server {
namespace {

// RFC 6750 §3: `Bearer`; once credentials were sent, error="invalid_token" (a refused token) or
// "invalid_request" (no Bearer token in the header) and the reason as error_description (fixed
// phrases without quotes or backslashes, so they need no escaping); then `extra` params.
[[noreturn]] void refuse(std::string_view error, std::string_view reason, std::string_view extra) {
    std::string challenge = "Bearer";
    if (!error.empty()) {
        challenge += " error=\"" + std::string(error) + "\", error_description=\"" +
                     std::string(reason) + "\"";
    }
    if (!extra.empty()) challenge += (error.empty() ? " " : ", ") + std::string(extra);
    throw ApiError(ErrorCode::unauthorized, std::string(reason),
                   {{http::field::www_authenticate, challenge}});
}

}  // namespace

JwtResult authenticate(const Request& request, const JwtVerifier& verifier,
                       std::string_view request_id, std::string_view challenge_params) {
    const auto auth = header_value(request, http::field::authorization);
    if (auth.empty()) refuse({}, "missing bearer token", challenge_params);
    const auto space = auth.find(' ');
    const auto scheme = auth.substr(0, space);
    const auto token =
        space == std::string_view::npos ? std::string_view{} : trim(auth.substr(space));
    if (!boost::beast::iequals(scheme, "Bearer") || token.empty()) {
        refuse("invalid_request", "Authorization header must be Bearer <token>", challenge_params);
    }
    auto verified = verifier.verify(token);
    if (!verified.ok()) {
        log::debug("request " + std::string(request_id) +
                   ": token refused: " + std::string(to_string(*verified.failure)));
        refuse("invalid_token", public_reason(*verified.failure), challenge_params);
    }
    return verified;
}

}  // namespace taskcore::server
