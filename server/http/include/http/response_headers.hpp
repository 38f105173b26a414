// Headers every response carries: request id, content type, no-store, nosniff, and CORS for
// allowed origins (preflights included).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "http/http_types.hpp"
#include "http/origin_refusals.hpp"
#include "ops/config.hpp"

namespace taskcore::server {

// Who sent a request, as far as the response headers care.
struct RequestIdentity {
    std::string request_id;  // the client's when sane (1-128 of [A-Za-z0-9._-]), else a UUID
    std::string origin;      // set only when the Origin is allowed
};

class ResponseHeaders {
  public:
    explicit ResponseHeaders(const Config& config);

    // Logs (rate-limited) a cross-origin request whose Origin is not allowed.
    [[nodiscard]] RequestIdentity identify(const Request& request) const;
    // Adds the common and CORS headers, settles keep-alive and Content-Length; a response to
    // HEAD keeps the Content-Length of its body and loses the body.
    [[nodiscard]] Response finish(const Request& request, const RequestIdentity& who,
                                  Response response) const;

  private:
    const Config& config_;
    std::string allow_headers_;
    std::unique_ptr<OriginRefusals> refusals_ = std::make_unique<OriginRefusals>();
};

// Whether `origin` is on the CORS allow-list (FRONTEND_ORIGIN, CORS_ORIGINS).
bool origin_allowed(const Config& config, std::string_view origin);

// A header's value with surrounding white space stripped; empty when absent.
std::string_view header_value(const Request& request, http::field field);
std::string_view header_value(const Request& request, std::string_view name);

}  // namespace taskcore::server
