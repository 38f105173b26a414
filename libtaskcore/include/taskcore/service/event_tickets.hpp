// One-time tickets that open a user's event stream where no header can be sent (the browser's
// EventSource): signed, so any instance sharing the key accepts them, and used up in the
// database, so each opens exactly one stream.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "taskcore/auth/jwt_verifier.hpp"
#include "taskcore/storage/ticket_repository.hpp"

namespace taskcore {

struct EventTicket {
    std::string ticket;
    std::chrono::seconds expires_in{};
};

// What a valid ticket grants: a stream of `user_id` that ends at `stream_ends_at` (the exp of
// the token that asked for the ticket).
struct VerifiedTicket {
    std::string user_id;
    std::string ticket_id;
    std::chrono::system_clock::time_point expires_at{};
    std::chrono::system_clock::time_point stream_ends_at{};
};

// The signing key of tickets, derived from a secret every instance shares (BETTER_AUTH_SECRET or
// EVENTS_TICKET_SECRET): a ticket is never a bearer token, nor a bearer token a ticket.
std::string ticket_key_from(std::string_view secret);

class EventTickets {
  public:
    // How long a ticket opens a stream: long enough to hand it to EventSource, too short to be
    // worth stealing from a log.
    static constexpr std::chrono::seconds kLifetime{30};

    explicit EventTickets(std::string key, WallClock clock = {});

    // A ticket for `user_id`'s stream, the stream to end at `stream_ends_at`.
    [[nodiscard]] EventTicket issue(std::string_view user_id,
                                    std::chrono::system_clock::time_point stream_ends_at) const;
    // The ticket's grant for `user_id`. Throws TicketRefusedError: invalid (forged, malformed,
    // not a ticket), expired, or other_user. Does not use it up.
    [[nodiscard]] VerifiedTicket verify(std::string_view ticket, std::string_view user_id) const;
    // verify(), then uses the ticket up in `used` (TicketRefusedError used when it was before).
    VerifiedTicket redeem(std::string_view ticket, std::string_view user_id,
                          TicketRepository& used) const;

  private:
    std::string key_;
    WallClock clock_;
    JwtVerifier verifier_;
};

}  // namespace taskcore
