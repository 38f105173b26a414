// Event-stream tickets against every backend: a ticket is used up once (also by racing
// redeemers), only by its user, never after its expiry, and a bearer token is no ticket nor a
// ticket a bearer token.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/domain/errors.hpp"
#include "taskcore/service/event_tickets.hpp"
#include "test_store.hpp"

using namespace taskcore;
using taskcore::testing::fresh_user;

namespace {

const std::string kSecret = "tickets-secret-with-more-than-thirty-two-bytes";

Store& store() {
    return taskcore::testing::suite_store();
}

TicketRefusedError::Reason refusal(const EventTickets& tickets, const std::string& ticket,
                                   const std::string& user) {
    try {
        tickets.redeem(ticket, user, store().tickets());
    } catch (const TicketRefusedError& e) {
        return e.reason();
    }
    FAIL("the ticket was accepted");
    return TicketRefusedError::Reason::invalid;
}

}  // namespace

TEST_CASE("a used ticket id is refused until it is pruned after its expiry") {
    auto& used = store().tickets();
    const auto user = fresh_user();
    CHECK(used.use(user, "t1", now_ms() + std::chrono::seconds{30}));
    CHECK_FALSE(used.use(user, "t1", now_ms() + std::chrono::seconds{30}));
    CHECK(used.use(fresh_user(), "t1", now_ms() + std::chrono::seconds{30}));  // per user
    CHECK(used.use(user, "t2", now_ms() - std::chrono::seconds{1}));
    CHECK(used.prune(now_ms()) >= 1);
    CHECK(used.use(user, "t2", now_ms() + std::chrono::seconds{30}));        // forgotten
    CHECK_FALSE(used.use(user, "t1", now_ms() + std::chrono::seconds{30}));  // still live
}

TEST_CASE("a ticket opens its user's stream once and nothing else") {
    const EventTickets tickets(ticket_key_from(kSecret));
    const auto alice = fresh_user(), bob = fresh_user();
    const auto ends = std::chrono::system_clock::now() + std::chrono::minutes{5};
    const auto ticket = tickets.issue(alice, ends);
    CHECK(ticket.expires_in == std::chrono::seconds{30});

    CHECK(refusal(tickets, ticket.ticket, bob) == TicketRefusedError::Reason::other_user);
    const auto granted = tickets.redeem(ticket.ticket, alice, store().tickets());
    CHECK(granted.user_id == alice);
    CHECK(std::chrono::abs(granted.stream_ends_at - ends) < std::chrono::seconds{1});
    CHECK(refusal(tickets, ticket.ticket, alice) == TicketRefusedError::Reason::used);

    // Expired, tampered with, signed with another key, or a bearer token.
    const EventTickets yesterday(ticket_key_from(kSecret), [] {
        return std::chrono::system_clock::now() - std::chrono::hours{24};
    });
    CHECK(refusal(tickets, yesterday.issue(alice, ends).ticket, alice) ==
          TicketRefusedError::Reason::expired);
    auto tampered = tickets.issue(alice, ends).ticket;
    tampered[tampered.find('.') + 3] ^= 1;
    CHECK(refusal(tickets, tampered, alice) == TicketRefusedError::Reason::invalid);
    const EventTickets other_key(ticket_key_from("another-secret-with-more-than-32-bytes!!"));
    CHECK(refusal(tickets, other_key.issue(alice, ends).ticket, alice) ==
          TicketRefusedError::Reason::invalid);
    const auto bearer = sign_hs256({{"sub", alice}, {"exp", 4102444800}}, kSecret);
    CHECK(refusal(tickets, bearer, alice) == TicketRefusedError::Reason::invalid);
    const JwtVerifier bearer_verifier(kSecret, {});
    CHECK_FALSE(bearer_verifier.verify(tickets.issue(alice, ends).ticket).ok());
}

TEST_CASE("racing redeemers of one ticket: exactly one wins") {
    const EventTickets tickets(ticket_key_from(kSecret));
    const auto user = fresh_user();
    const auto ticket = tickets.issue(user, std::chrono::system_clock::now()).ticket;
    std::atomic<int> won{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> racers;
    racers.reserve(8);
    for (int i = 0; i < 8; ++i) {
        racers.emplace_back([&] {
            try {
                tickets.redeem(ticket, user, store().tickets());
                ++won;
            } catch (const TicketRefusedError& e) {
                if (e.reason() == TicketRefusedError::Reason::used) ++refused;
            }
        });
    }
    for (auto& t : racers) t.join();
    CHECK(won == 1);
    CHECK(refused == 7);
}
