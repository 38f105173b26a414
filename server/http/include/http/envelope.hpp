// The response envelope: {"data", "meta"} on success, {"error", "meta"} on failure.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/error_catalogue.hpp"
#include "http/etag.hpp"
#include "http/http_types.hpp"
#include "taskcore/domain/task.hpp"
#include "taskcore/json/codec.hpp"

namespace taskcore::server::envelope {

// {"timestamp": now, "request_id": ...}
boost::json::object meta(std::string_view request_id);

// `extra`: members of the error object beyond code, message and details (RESYNC_REQUIRED's
// latest_seq).
std::string error_body(ErrorCode code, std::string_view message,
                       const std::vector<FieldError>& details, std::string_view request_id,
                       const boost::json::object& extra = {});
std::string data_body(boost::json::value data, std::string_view request_id);
// {"data": {"id": ..., "deleted": true}, ...}
std::string deleted_body(const Uuid& id, std::string_view request_id);

// A response with a body and the status; common headers are added by ResponseHeaders::finish.
Response json_response(http::status status, std::string body);

// {"data": <item>, "meta": ...} with the item written directly (no JSON DOM on the hot path).
template <typename T>
std::string item_body(const T& item, std::string_view request_id) {
    std::string out = R"({"data":)";
    json::append_json(out, item);
    out += R"(,"meta":)";
    out += boost::json::serialize(meta(request_id));
    out.push_back('}');
    return out;
}

// How a list page was asked for, and the cursor of the page after it (nullopt at the end).
struct PageBounds {
    int limit = 0;
    std::int64_t offset = 0;  // 0 on cursor pages
    std::optional<std::string> next_cursor;
};

// {"data": [<items>], "meta": <meta>} with the items written directly.
template <typename T>
std::string items_body(const std::vector<T>& items, const boost::json::object& meta) {
    std::string out = R"({"data":[)";
    out.reserve(items.size() * 400 + 200);
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out.push_back(',');
        json::append_json(out, items[i]);
    }
    out += R"(],"meta":)";
    out += boost::json::serialize(meta);
    out.push_back('}');
    return out;
}

// A page with the list meta (count, total, limit, offset, next_cursor).
template <typename T>
std::string list_body(const Page<T>& page, const PageBounds& bounds, std::string_view request_id) {
    auto m = meta(request_id);
    m["count"] = page.items.size();
    m["total"] = page.total;
    m["limit"] = bounds.limit;
    m["offset"] = bounds.offset;
    if (bounds.next_cursor) {
        m["next_cursor"] = *bounds.next_cursor;
    } else {
        m["next_cursor"] = nullptr;
    }
    return items_body(page.items, m);
}

// 304 Not Modified: no body, the tag the client already holds.
Response not_modified(const std::string& etag);

// An item with its strong ETag (creates, updates, reads).
template <typename T>
Response item_response(http::status status, const T& item, std::string_view request_id) {
    auto res = json_response(status, item_body(item, request_id));
    res.set(http::field::etag, strong_etag(version_of(item)));
    return res;
}

// 201 Created with the item, its ETag and its Location.
template <typename T>
Response created_response(const T& item, const std::string& collection,
                          std::string_view request_id) {
    auto res = item_response(http::status::created, item, request_id);
    res.set(http::field::location, collection + "/" + item.id.to_string());
    return res;
}

// A GET of an item: 304 when If-None-Match already holds its tag.
template <typename T>
Response read_response(const Request& request, const T& item, std::string_view request_id) {
    const auto etag = strong_etag(version_of(item));
    if (none_match(request, etag)) return not_modified(etag);
    auto res = json_response(http::status::ok, item_body(item, request_id));
    res.set(http::field::etag, etag);
    return res;
}

// `Link: <path?cursor=...&limit=n>; rel="next"` (RFC 8288): the request's own path, so it
// resolves against the URL the client used.
std::string next_link(const Request& request, const PageBounds& bounds);

// A GET of a list page, with the page's weak ETag (and a Link to the next page); 304 when
// If-None-Match holds the tag.
template <typename T>
Response page_response(const Request& request, const Page<T>& page, const PageBounds& bounds,
                       std::string_view request_id) {
    const auto etag = PageTag(page, bounds.limit, bounds.offset).etag();
    if (none_match(request, etag)) return not_modified(etag);
    auto res = json_response(http::status::ok, list_body(page, bounds, request_id));
    res.set(http::field::etag, etag);
    if (bounds.next_cursor) res.set(http::field::link, next_link(request, bounds));
    return res;
}

}  // namespace taskcore::server::envelope
