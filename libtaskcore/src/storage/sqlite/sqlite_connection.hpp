// One SQLite connection with its pragmas and a cache of prepared statements.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "storage/shared_sql.hpp"
#include "storage/statement.hpp"

namespace taskcore::sqlite {

// A cached statement checked out for one use; reset on release so no read snapshot lingers.
class StatementLease {
  public:
    explicit StatementLease(SQLite::Statement& statement) : statement_(statement) {}
    StatementLease(const StatementLease&) = delete;
    StatementLease& operator=(const StatementLease&) = delete;
    ~StatementLease() {
        statement_.tryReset();
        statement_.clearBindings();
    }
    SQLite::Statement* operator->() { return &statement_; }
    SQLite::Statement& operator*() { return statement_; }

  private:
    SQLite::Statement& statement_;
};

class Connection {
  public:
    Connection(const std::string& path, bool read_only, std::chrono::milliseconds busy_timeout);

    // Prepared once per connection under the statement's name, then reused.
    StatementLease prepare(const storage::Statement& statement);
    void exec(const char* sql) { db_.exec(sql); }
    [[nodiscard]] int changes() const { return db_.getChanges(); }
    SQLite::Database& database() { return db_; }

  private:
    SQLite::Database db_;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;  // by name
};

// Binds a keyset page's condition values from parameter `index` on, then its limit (one row more
// than the page, storage::rows_to_read) and, for an offset page (no values), its offset; the
// statement ends in storage::limit_sql.
void bind_page(SQLite::Statement& statement, int index, const storage::KeysetCondition& keyset,
               int limit, std::int64_t offset);

// BEGIN IMMEDIATE (takes the write lock up front, so no deadlock-prone lock upgrades) or a
// deferred BEGIN for read snapshots; rolls back in the destructor unless committed. Opened
// inside a transaction, it is a savepoint of that one.
class Transaction {
  public:
    enum class Kind { read, write };
    Transaction(Connection& connection, Kind kind);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

  private:
    Connection& connection_;
    bool nested_;
    bool done_ = false;
};

}  // namespace taskcore::sqlite
