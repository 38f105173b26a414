// Citus: whether `migrate` distributes, and distributing taskcore's tables by user_id in one
// co-location group (docs/scale-out.md).
#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "taskcore/storage/store.hpp"

namespace taskcore::postgres::citus {

// Whether this migration run distributes tables: `wanted` against the database's extensions.
// Throws StorageError for Distribution::citus without the extension.
bool distributes(pqxx::work& tx, Distribution wanted);

// The settings a distributing migration needs for the rest of its transaction.
void prepare_transaction(pqxx::work& tx);

// Distributes `table` by user_id, co-located with the anchor table (the anchor starts the
// group), copying any rows it holds; a no-op for a table that is already distributed.
void distribute(pqxx::work& tx, const std::string& table);

// Distributes every table of `tables` (in reference order, referenced first) that is still a
// local table: a database migrated as plain PostgreSQL that later got Citus, or a distribution
// interrupted half-way by hand. Returns how many it distributed.
int distribute_remaining(pqxx::work& tx, const std::vector<std::string>& tables);

}  // namespace taskcore::postgres::citus
