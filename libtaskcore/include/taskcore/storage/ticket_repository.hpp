// Storage interface for used event-stream tickets: a ticket opens one stream, once, whichever
// instance it reaches, so its use is recorded in the database every instance shares.
#pragma once

#include <cstdint>
#include <string_view>

#include "taskcore/domain/time.hpp"

namespace taskcore {

class TicketRepository {
  public:
    virtual ~TicketRepository() = default;
    // Records the use of ticket `ticket_id` of `user_id`, kept until `expires_at`; false (and
    // nothing written) when it was used before.
    virtual bool use(std::string_view user_id, std::string_view ticket_id,
                     Timestamp expires_at) = 0;
    // Forgets tickets that expired before `before` (they are refused by their signature now);
    // returns how many.
    virtual std::int64_t prune(Timestamp before) = 0;
};

}  // namespace taskcore
