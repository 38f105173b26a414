// Envelope bodies shared by every handler and by the error mapping.
#include "http/envelope.hpp"

#include "taskcore/domain/text.hpp"

namespace taskcore::server::envelope {

namespace bj = boost::json;

bj::object meta(std::string_view request_id) {
    return bj::object{{"timestamp", format_rfc3339(now_ms())}, {"request_id", request_id}};
}

std::string error_body(ErrorCode code, std::string_view message,
                       const std::vector<FieldError>& details, std::string_view request_id,
                       const bj::object& extra) {
    // Messages and field names can quote client input (an unknown query parameter's name, say),
    // which may be any bytes: the body must stay valid UTF-8 JSON whatever arrived.
    bj::object error{{"code", error_info(code).name}, {"message", to_valid_utf8(message)}};
    if (!details.empty()) {
        bj::array arr;
        for (const auto& d : details) {
            arr.push_back(bj::object{{"field", to_valid_utf8(d.field)},
                                     {"message", to_valid_utf8(d.message)}});
        }
        error["details"] = std::move(arr);
    }
    for (const auto& [key, value] : extra) error[key] = value;
    return bj::serialize(bj::object{{"error", std::move(error)}, {"meta", meta(request_id)}});
}

std::string data_body(bj::value data, std::string_view request_id) {
    return bj::serialize(bj::object{{"data", std::move(data)}, {"meta", meta(request_id)}});
}

std::string deleted_body(const Uuid& id, std::string_view request_id) {
    return data_body(bj::object{{"id", id.to_string()}, {"deleted", true}}, request_id);
}

Response json_response(http::status status, std::string body) {
    Response res{status, 11};
    res.body() = std::move(body);
    return res;
}

std::string next_link(const Request& request, const PageBounds& bounds) {
    const std::string_view target = request.target();
    const auto path = target.substr(0, target.find('?'));
    // A cursor is base64url: nothing in it needs escaping in a query or between <>.
    return "<" + std::string(path) + "?cursor=" + bounds.next_cursor.value_or("") +
           "&limit=" + std::to_string(bounds.limit) + ">; rel=\"next\"";
}

Response not_modified(const std::string& etag) {
    Response res{http::status::not_modified, 11};
    res.set(http::field::etag, etag);
    return res;
}

}  // namespace taskcore::server::envelope
