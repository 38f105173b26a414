// EventTickets: tickets are compact HS256 JWS under a key of their own, with an issuer and an
// audience no bearer token carries, verified by the same JwtVerifier as bearer tokens.
#include "taskcore/service/event_tickets.hpp"

#include <boost/json.hpp>

#include "taskcore/auth/base64url.hpp"
#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/uuid.hpp"

namespace taskcore {
namespace {

constexpr std::string_view kIssuer = "taskcore";
constexpr std::string_view kAudience = "taskcore:event-stream";
// Instances' clocks may differ a little; a ticket is used within seconds of its issue.
constexpr std::chrono::seconds kLeeway{2};

using SystemClock = std::chrono::system_clock;

std::int64_t unix_seconds(SystemClock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

JwtOptions ticket_options() {
    JwtOptions options;
    options.issuer = std::string(kIssuer);
    options.audience = std::string(kAudience);
    options.leeway = kLeeway;
    options.max_token_bytes = 2048;
    return options;
}

[[noreturn]] void refuse(TicketRefusedError::Reason reason, const std::string& message) {
    throw TicketRefusedError(reason, message);
}

// The claims of a ticket whose signature and time claims were verified already.
boost::json::object claims_of(std::string_view ticket) {
    const auto first = ticket.find('.');
    const auto second = ticket.find('.', first + 1);
    const auto payload = base64url_decode(ticket.substr(first + 1, second - first - 1));
    boost::system::error_code ec;
    auto value = boost::json::parse(payload.value_or(""), ec);
    if (ec || !value.is_object()) refuse(TicketRefusedError::Reason::invalid, "ticket invalid");
    return std::move(value.as_object());
}

}  // namespace

std::string ticket_key_from(std::string_view secret) {
    return hmac_sha256(secret, "taskcore event-stream tickets v1");
}

EventTickets::EventTickets(std::string key, WallClock clock)
    : key_(std::move(key)),
      clock_(clock ? std::move(clock) : WallClock([] { return SystemClock::now(); })),
      verifier_(key_, ticket_options(), clock_) {}

EventTicket EventTickets::issue(std::string_view user_id,
                                SystemClock::time_point stream_ends_at) const {
    const auto now = clock_();
    const boost::json::object claims{{"iss", kIssuer},
                                     {"aud", kAudience},
                                     {"sub", user_id},
                                     {"jti", generate_uuid_v7().to_string()},
                                     {"iat", unix_seconds(now)},
                                     {"exp", unix_seconds(now + kLifetime)},
                                     {"stream_exp", unix_seconds(stream_ends_at)}};
    return {sign_hs256(claims, key_), kLifetime};
}

VerifiedTicket EventTickets::verify(std::string_view ticket, std::string_view user_id) const {
    const auto result = verifier_.verify(ticket);
    if (!result.ok()) {
        if (*result.failure == JwtFailure::expired) {
            refuse(TicketRefusedError::Reason::expired, "ticket expired; ask for a new one");
        }
        refuse(TicketRefusedError::Reason::invalid, "ticket invalid");
    }
    const auto claims = claims_of(ticket);
    const auto* id = claims.if_contains("jti");
    const auto* stream_exp = claims.if_contains("stream_exp");
    if (id == nullptr || !id->is_string() || stream_exp == nullptr || !stream_exp->is_int64()) {
        refuse(TicketRefusedError::Reason::invalid, "ticket invalid");
    }
    if (result.user_id != user_id) {
        refuse(TicketRefusedError::Reason::other_user,
               "the user in the path does not match the ticket's user");
    }
    return {result.user_id, std::string(id->as_string()), result.expires_at,
            SystemClock::time_point{std::chrono::seconds{stream_exp->as_int64()}}};
}

VerifiedTicket EventTickets::redeem(std::string_view ticket, std::string_view user_id,
                                    TicketRepository& used) const {
    auto verified = verify(ticket, user_id);
    // Kept past its expiry by the leeway, so it cannot be used again while still accepted.
    const auto keep_until =
        std::chrono::time_point_cast<std::chrono::milliseconds>(verified.expires_at + kLeeway);
    if (!used.use(verified.user_id, verified.ticket_id, keep_until)) {
        refuse(TicketRefusedError::Reason::used, "ticket already used; ask for a new one");
    }
    return verified;
}

}  // namespace taskcore
