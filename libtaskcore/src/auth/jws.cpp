// Compact JWS parsing and the shared claim rules of docs/api.md §5.
#include "jws.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

#include "taskcore/auth/base64url.hpp"
#include "taskcore/domain/validation.hpp"

namespace taskcore::detail {
namespace {

namespace json = boost::json;

std::optional<json::object> decode_json_object(std::string_view segment) {
    const auto bytes = base64url_decode(segment);
    if (!bytes) return std::nullopt;
    boost::system::error_code ec;
    json::value value = json::parse(*bytes, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

// A time claim as seconds since the epoch; nullopt when absent; failure when not a number.
struct TimeClaim {
    bool present = false;
    bool valid = true;
    double seconds = 0;
};

TimeClaim read_time_claim(const json::object& payload, std::string_view name) {
    const auto* v = payload.if_contains(name);
    if (v == nullptr) return {};
    if (v->is_int64()) return {true, true, static_cast<double>(v->get_int64())};
    if (v->is_uint64()) return {true, true, static_cast<double>(v->get_uint64())};
    if (v->is_double()) return {true, true, v->get_double()};
    return {true, false, 0};
}

bool audience_matches(const json::value& aud, std::string_view expected) {
    if (aud.is_string()) return aud.get_string() == expected;
    if (!aud.is_array()) return false;
    const auto& arr = aud.get_array();
    return std::any_of(arr.begin(), arr.end(), [&](const json::value& item) {
        return item.is_string() && item.get_string() == expected;
    });
}

}  // namespace

std::optional<JwtFailure> parse_compact_jws(std::string_view token, std::size_t max_bytes,
                                            CompactJws& out) {
    if (token.size() > max_bytes) return JwtFailure::too_large;
    const auto first = token.find('.');
    if (first == std::string_view::npos) return JwtFailure::malformed;
    const auto second = token.find('.', first + 1);
    if (second == std::string_view::npos) return JwtFailure::malformed;
    if (token.find('.', second + 1) != std::string_view::npos) return JwtFailure::malformed;

    const auto header_part = token.substr(0, first);
    const auto payload_part = token.substr(first + 1, second - first - 1);
    const auto signature_part = token.substr(second + 1);
    if (header_part.empty() || payload_part.empty()) return JwtFailure::malformed;

    auto header = decode_json_object(header_part);
    auto payload = decode_json_object(payload_part);
    auto signature = base64url_decode(signature_part);
    if (!header || !payload || !signature) return JwtFailure::malformed;
    if (header->contains("crit")) return JwtFailure::critical_header;

    out.header = std::move(*header);
    out.payload = std::move(*payload);
    out.signing_input = token.substr(0, second);
    out.signature = std::move(*signature);
    return std::nullopt;
}

JwtResult check_claims(const json::object& payload, const JwtOptions& options,
                       std::chrono::system_clock::time_point now) {
    const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
    const auto leeway = static_cast<double>(options.leeway.count());

    const auto exp = read_time_claim(payload, "exp");
    const auto nbf = read_time_claim(payload, "nbf");
    const auto iat = read_time_claim(payload, "iat");
    if (!exp.valid || !nbf.valid || !iat.valid)
        return JwtResult::refused(JwtFailure::bad_time_claim);
    if (!exp.present) return JwtResult::refused(JwtFailure::missing_expiry);
    if (now_s >= exp.seconds + leeway) return JwtResult::refused(JwtFailure::expired);
    if (nbf.present && now_s + leeway < nbf.seconds) {
        return JwtResult::refused(JwtFailure::not_yet_valid);
    }
    if (iat.present && iat.seconds > now_s + leeway) {
        return JwtResult::refused(JwtFailure::issued_in_future);
    }

    if (options.issuer) {
        const auto* iss = payload.if_contains("iss");
        if (iss == nullptr || !iss->is_string() || iss->get_string() != *options.issuer) {
            return JwtResult::refused(JwtFailure::wrong_issuer);
        }
    }
    if (options.audience) {
        const auto* aud = payload.if_contains("aud");
        if (aud == nullptr || !audience_matches(*aud, *options.audience)) {
            return JwtResult::refused(JwtFailure::wrong_audience);
        }
    }

    // The first of sub, userId, id that is present decides; a bad one is not skipped over.
    for (const char* name : {"sub", "userId", "id"}) {
        const auto* claim = payload.if_contains(name);
        if (claim == nullptr || claim->is_null()) continue;
        if (!claim->is_string()) return JwtResult::refused(JwtFailure::bad_user);
        const std::string_view user = claim->get_string();
        if (!rules::is_valid_user_id(user)) return JwtResult::refused(JwtFailure::bad_user);
        const auto expires_at = std::chrono::system_clock::time_point{
            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::duration<double>(exp.seconds))};
        return JwtResult::success(std::string(user), expires_at);
    }
    return JwtResult::refused(JwtFailure::missing_user);
}

}  // namespace taskcore::detail
