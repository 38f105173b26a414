// Percent-encoding (through Boost.URL) and the lenient split of a request target into path
// segments and query pairs.
#include "http/url.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace taskcore::server {

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    // Boost.URL checks only the escapes, not the characters around them: browsers send "|", "{",
    // "^" and non-ASCII bytes raw in a query, and those keep working.
    const auto escaped = boost::urls::make_pct_string_view(text);
    if (!escaped) return std::nullopt;
    return escaped->decode(boost::urls::encoding_opts{plus_is_space});
}

std::string percent_encode(std::string_view text) {
    return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string percent_encode_segment(std::string_view segment) {
    if (segment == ".") return "%2E";
    if (segment == "..") return "%2E%2E";
    return percent_encode(segment);
}

// Splitting stays by hand: Boost.URL's parse_path and parse_query follow RFC 3986's grammar and
// refuse the raw "|", "{", "}", "^", "`" and non-ASCII bytes that browsers put in a URL, which
// this server has always accepted. Only the escapes inside each part are decoded by Boost.URL.
std::optional<std::vector<std::string>> split_path(std::string_view path) {
    std::vector<std::string> segments;
    if (path.empty() || path.front() != '/') return std::nullopt;
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        auto decoded = percent_decode(path.substr(0, slash));
        if (!decoded) return std::nullopt;
        segments.push_back(std::move(*decoded));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return segments;
}

std::optional<QueryParams> parse_query(std::string_view query) {
    QueryParams params;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            auto key = percent_decode(pair.substr(0, eq), true);
            auto value =
                percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
            if (!key || !value) return std::nullopt;
            params.emplace_back(std::move(*key), std::move(*value));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return params;
}

}  // namespace taskcore::server
