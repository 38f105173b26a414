// Citus distribution for `migrate`: every taskcore table by user_id, co-located with tasks, so one
// user's rows (and the triggers that touch them) live on one shard.
#include "pg_citus.hpp"

#include <string_view>

#include "taskcore/domain/errors.hpp"

namespace taskcore::postgres::citus {
namespace {

// The table every other one is co-located with (same user, same shard).
constexpr std::string_view kColocationAnchor = "tasks";

bool installed(pqxx::work& tx) {
    return tx.exec1("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")[0]
        .as<bool>();
}

bool is_distributed(pqxx::work& tx, const std::string& table) {
    return tx
        .exec1("SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = " +
               tx.quote(table) + "::regclass)")[0]
        .as<bool>();
}

// create_distributed_table for `table`, co-located with the anchor (the anchor starts the group).
void create_distributed(pqxx::work& tx, const std::string& table) {
    const std::string colocate =
        table == kColocationAnchor ? "default" : std::string(kColocationAnchor);
    try {
        tx.exec("SELECT create_distributed_table(" + tx.quote(table) +
                ", 'user_id', colocate_with => " + tx.quote(colocate) + ")");
    } catch (const pqxx::sql_error& e) {
        // The migration's transaction is rolled back whole: nothing is left half-distributed.
        throw StorageError("migrate: distributing table " + table + " on Citus failed (" +
                           e.sqlstate() + ": " + e.what() +
                           "); nothing was changed. Register the workers on the coordinator "
                           "(citus_add_node) and run migrate again, or set DB_DISTRIBUTION=none "
                           "for plain tables");
    }
}

}  // namespace

bool distributes(pqxx::work& tx, Distribution wanted) {
    switch (wanted) {
        case Distribution::none:
            return false;
        case Distribution::automatic:
            return installed(tx);
        case Distribution::citus:
            if (!installed(tx)) {
                throw StorageError(
                    "DB_DISTRIBUTION=citus, but the citus extension is not installed in this "
                    "database (CREATE EXTENSION citus; then register the workers)");
            }
            return true;
    }
    return false;
}

void prepare_transaction(pqxx::work& tx) {
    // Functions and triggers created after a distributed table in one transaction need the
    // shard commands run one connection at a time; triggers on distributed tables must be asked
    // for (ours only touch the same user's co-located rows).
    tx.exec("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'");
    tx.exec("SET LOCAL citus.enable_unsafe_triggers TO on");
}

void distribute(pqxx::work& tx, const std::string& table) {
    if (!is_distributed(tx, table)) create_distributed(tx, table);
}

int distribute_remaining(pqxx::work& tx, const std::vector<std::string>& tables) {
    std::vector<std::string> local;
    for (const auto& table : tables) {
        if (!is_distributed(tx, table)) local.push_back(table);
    }
    if (local.empty()) return 0;
    // create_distributed_table copies the rows through the shards' triggers: the counts would
    // be counted again and the change log written again (or fail on a table not moved yet).
    // The rows already carry what the triggers made of them, so ours stay off for the copy.
    for (const auto& table : local) tx.exec("ALTER TABLE " + table + " DISABLE TRIGGER USER");
    for (const auto& table : local) create_distributed(tx, table);
    for (const auto& table : local) tx.exec("ALTER TABLE " + table + " ENABLE TRIGGER USER");
    // The copy leaves the local rows on the coordinator's disk, invisible: free them once every
    // table (the referenced ones too) is moved.
    for (const auto& table : local) {
        tx.exec("SELECT truncate_local_data_after_distributing_table(" + tx.quote(table) +
                "::regclass)");
    }
    return static_cast<int>(local.size());
}

}  // namespace taskcore::postgres::citus
