// The request and response types every server unit shares (small, so nothing includes the router).
#pragma once

#include <boost/beast/http.hpp>

namespace taskcore::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

}  // namespace taskcore::server
