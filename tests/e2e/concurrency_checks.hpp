// Concurrency checks over HTTP, run by the e2e suite against one server and by the
// multi-instance suite through a load balancer: `port` is wherever the requests should go.
#pragma once

#include <string>

namespace taskcore::testing {

// `clients` connections toggle one task `each` times at once: every toggle is answered 200 and
// the final state is the parity of their number (no update lost between instances).
void check_no_lost_toggle(unsigned short port, const std::string& secret, int clients, int each);

// `clients` connections DELETE one task at once: exactly one 200, every other one 404.
void check_one_delete_winner(unsigned short port, const std::string& secret, int clients);

// Updates of one task, sequential and then concurrent: every response's updated_at is at
// least the previous one's, and the stored value is the largest any response reported.
void check_updated_at_monotonic(unsigned short port, const std::string& secret, int clients);

// `clients` connections create and delete tasks of one user at once: afterwards the list's
// meta.total equals the rows it returns and the number of creates minus deletes, unfiltered and
// with a status filter (served from the trigger-kept counts).
void check_list_totals_consistent(unsigned short port, const std::string& secret, int clients);

// `trials` times, two connections PATCH one task at once with the same If-Match: exactly one is
// 200 and the other 412 with the winner's ETag (the check is part of the write).
void check_if_match_race(unsigned short port, const std::string& secret, int trials);

// `stable` tasks, then a client walks the list by Link rel="next" (200 a page) while another
// creates and deletes tasks all along: every stable task is seen exactly once, nothing twice.
void check_cursor_walk_under_writes(unsigned short port, const std::string& secret, int stable);

// `clients` connections each create, toggle and delete `each` tasks of one user at once; then
// the changes feed, walked by next_since, holds exactly seqs 1..N for the N acknowledged writes,
// each task's created, updated and deleted once and in that order, every entry a tombstone.
void check_change_log_exactly_once(unsigned short port, const std::string& secret, int clients,
                                   int each);

}  // namespace taskcore::testing
