// Versioned schema migrations of the SQLite backend.
#pragma once

#include "sqlite_connection.hpp"

namespace taskcore::sqlite {

// Applies pending migrations in one write transaction; returns the resulting version.
int migrate(Connection& connection);

}  // namespace taskcore::sqlite
