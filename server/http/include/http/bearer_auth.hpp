// The bearer-token check of every user-scoped route: Authorization header -> verified user id.
#pragma once

#include <string>
#include <string_view>

#include "http/http_types.hpp"
#include "taskcore/auth/jwt_verifier.hpp"

namespace taskcore::server {

// The accepted token (user id and expiry). Throws ApiError (401 with WWW-Authenticate) when the
// header is missing, is not "Bearer <token>", or the token is refused; the caller is told why in
// fixed phrases (public_reason), the detailed reason is logged at debug level only.
// `challenge_params` (e.g. resource_metadata="...") are added to the WWW-Authenticate challenge.
JwtResult authenticate(const Request& request, const JwtVerifier& verifier,
                       std::string_view request_id, std::string_view challenge_params = {});

}  // namespace taskcore::server
