// Bearer token parsing and verification (RFC 6750 challenges on failure).
#include "bearer_auth.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>

#include "error_catalogue.hpp"
#include "logger.hpp"
#include "response_headers.hpp"
#include "taskcore/domain/text.hpp"

namespace taskcore::server {
namespace {

// RFC 6750 §3: `Bearer`, error="invalid_token" once a token was sent, then `extra` params.
[[noreturn]] void refuse(const std::string& message, bool token_sent, std::string_view extra) {
    std::string challenge = "Bearer";
    if (token_sent) challenge += R"( error="invalid_token")";
    if (!extra.empty()) challenge += (token_sent ? ", " : " ") + std::string(extra);
    throw ApiError(ErrorCode::unauthorized, message, {{http::field::www_authenticate, challenge}});
}

}  // namespace

std::string authenticate(const Request& request, const JwtVerifier& verifier,
                         std::string_view request_id, std::string_view challenge_params) {
    const auto auth = header_value(request, http::field::authorization);
    if (auth.empty()) refuse("missing bearer token", false, challenge_params);
    const auto space = auth.find(' ');
    const auto scheme = auth.substr(0, space);
    const auto token =
        space == std::string_view::npos ? std::string_view{} : trim(auth.substr(space));
    if (!boost::beast::iequals(scheme, "Bearer") || token.empty()) {
        refuse("Authorization header must be 'Bearer <token>'", true, challenge_params);
    }
    auto verified = verifier.verify(token);
    if (!verified.ok()) {
        log::debug("request " + std::string(request_id) +
                   ": token refused: " + std::string(to_string(*verified.failure)));
        refuse("invalid or expired token", true, challenge_params);
    }
    return std::move(verified.user_id);
}

}  // namespace taskcore::server
