// SQLite connection set-up (WAL, foreign keys, busy timeout) and statement caching.
#include "sqlite_connection.hpp"

#include <sqlite3.h>

#include "taskcore/domain/errors.hpp"

namespace taskcore::sqlite {
namespace {

// SQLite's own message ("unable to open database file") does not say which file: the error
// keeps its code (so the pool still classifies it) and gains the path.
SQLite::Database open_database(const std::string& path, bool read_only,
                               std::chrono::milliseconds busy_timeout) {
    try {
        return {path,
                read_only ? SQLite::OPEN_READONLY
                          : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_URI,
                static_cast<int>(busy_timeout.count())};
    } catch (const SQLite::Exception& e) {
        throw SQLite::Exception("cannot open SQLite database '" + path + "': " + e.what() +
                                    " (does its directory exist, and may this process write "
                                    "there?)",
                                e.getErrorCode());
    }
}

}  // namespace

Connection::Connection(const std::string& path, bool read_only,
                       std::chrono::milliseconds busy_timeout)
    : db_(open_database(path, read_only, busy_timeout)) {
    if (!read_only && sqlite3_db_readonly(db_.getHandle(), "main") == 1) {
        // SQLite silently opens a file it cannot write read-only; every write would then fail.
        // Refuse here (at start-up: the pool opens its writer first), naming the file.
        throw StorageError("SQLite database '" + path +
                           "' is read-only for this process (check the permissions of the file "
                           "and of its directory)");
    }
    if (!read_only) {
        // WAL lets readers run beside the single writer; NORMAL sync is durable in WAL mode
        // except for the last transactions on power loss, the usual trade-off for a server.
        db_.exec("PRAGMA journal_mode=WAL");
        db_.exec("PRAGMA synchronous=NORMAL");
    }
    db_.exec("PRAGMA foreign_keys=ON");
}

StatementLease Connection::prepare(const storage::Statement& statement) {
    auto it = statements_.find(statement.name);
    if (it == statements_.end()) {
        it = statements_
                 .emplace(statement.name, std::make_unique<SQLite::Statement>(db_, statement.sql))
                 .first;
    } else if (it->second->getQuery() != statement.sql) {
        // A programming error: two statements given one name.
        throw std::logic_error("statement name '" + statement.name + "' used for two SQL texts");
    }
    return StatementLease(*it->second);
}

Transaction::Transaction(Connection& connection, Kind kind)
    : connection_(connection),
      // Inside a group-committed batch (see Pool::write) the connection is already in a
      // transaction: this one becomes a savepoint of it.
      nested_(sqlite3_get_autocommit(connection.database().getHandle()) == 0) {
    if (nested_) {
        connection_.exec("SAVEPOINT nested_transaction");
    } else {
        connection_.exec(kind == Kind::write ? "BEGIN IMMEDIATE" : "BEGIN");
    }
}

Transaction::~Transaction() {
    if (!done_) {
        try {
            if (nested_) {
                connection_.exec("ROLLBACK TO nested_transaction");
                connection_.exec("RELEASE nested_transaction");
            } else {
                connection_.exec("ROLLBACK");
            }
        } catch (...) {  // NOLINT(bugprone-empty-catch): nothing sane to do in a destructor
        }
    }
}

void Transaction::commit() {
    connection_.exec(nested_ ? "RELEASE nested_transaction" : "COMMIT");
    done_ = true;
}

void bind_page(SQLite::Statement& statement, int index, const storage::KeysetCondition& keyset,
               int limit, std::int64_t offset) {
    for (const auto& value : keyset.values) {
        if (const auto* n = std::get_if<std::int64_t>(&value)) statement.bind(index, *n);
        if (const auto* t = std::get_if<Timestamp>(&value)) statement.bind(index, to_unix_ms(*t));
        if (const auto* s = std::get_if<std::string>(&value)) statement.bind(index, *s);
        if (const auto* id = std::get_if<Uuid>(&value)) statement.bind(index, id->to_string());
        ++index;
    }
    statement.bind(index++, storage::rows_to_read(limit));
    if (keyset.values.empty()) statement.bind(index, offset);
}

}  // namespace taskcore::sqlite
