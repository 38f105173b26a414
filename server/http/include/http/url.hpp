// Percent-encoding for paths and headers, and query-string parsing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taskcore/service/query_params.hpp"

namespace taskcore::server {

// nullopt on a broken escape (a '%' not followed by two hex digits). `plus_is_space` for queries.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// Encodes everything except RFC 3986 unreserved characters, so the result is plain ASCII.
std::string percent_encode(std::string_view text);
// percent_encode for one path segment: "." and ".." also become "%2E" and "%2E%2E", so a client
// resolving the path cannot read them as dot-segments (RFC 3986 §5.2.4).
std::string percent_encode_segment(std::string_view segment);

// Splits "/a/b%2Fc/" into decoded segments {"a", "b/c", ""}; nullopt on a broken escape.
std::optional<std::vector<std::string>> split_path(std::string_view path);

// "a=1&b=x+y" into decoded pairs; nullopt on a broken escape.
std::optional<QueryParams> parse_query(std::string_view query);

}  // namespace taskcore::server
