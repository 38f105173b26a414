// Versions for conditional writes: a resource's version is its updated_at (a task's strictly
// increases on every write), and a precondition names the versions a write accepts.
#pragma once

#include <algorithm>
#include <optional>
#include <vector>

#include "taskcore/domain/time.hpp"

namespace taskcore {

struct Precondition {
    // nullopt: unconditional (no If-Match, or "If-Match: *": the resource only has to exist).
    // Otherwise the write applies only if the current version is one of these, checked inside
    // the write's own statement; an empty list never matches.
    std::optional<std::vector<Timestamp>> versions;

    [[nodiscard]] bool unconditional() const { return !versions.has_value(); }
    [[nodiscard]] bool accepts(Timestamp version) const {
        return !versions ||
               std::find(versions->begin(), versions->end(), version) != versions->end();
    }
};

}  // namespace taskcore
