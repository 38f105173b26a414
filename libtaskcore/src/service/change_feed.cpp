// ChangeFeed: the validation and the gap rule of the changes feed.
#include "taskcore/service/change_feed.hpp"

#include "taskcore/domain/errors.hpp"
#include "taskcore/service/input_rules.hpp"

namespace taskcore {

ChangePage ChangeFeed::after(std::string_view user_id, const ChangesQuery& query) {
    FieldErrors errors;
    if (query.since < 0) errors.push_back({"since", "must be an integer >= 0"});
    page_rules(query.limit, 0, false, errors);
    throw_if_any(std::move(errors));

    auto page = changes_.after(user_id, query.since, query.limit);
    if (query.since > page.latest_seq) throw ResyncRequiredError(page.latest_seq);
    // Seqs are gap-free, so anything but since + 1, since + 2, ... means pruned history.
    std::int64_t expected = query.since + 1;
    for (const auto& change : page.changes) {
        if (change.seq != expected++) throw ResyncRequiredError(page.latest_seq);
    }
    if (page.changes.empty() && query.since < page.latest_seq) {
        throw ResyncRequiredError(page.latest_seq);
    }
    return page;
}

}  // namespace taskcore
