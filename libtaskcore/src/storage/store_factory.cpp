// open_store: the one place that maps a DATABASE_URL to a concrete backend.
#include <stdexcept>

#include "postgres/pg_store.hpp"
#include "sqlite/sqlite_store.hpp"
#include "taskcore/storage/store.hpp"

namespace taskcore {

int latest_schema_version() {
    return 8;
}

std::unique_ptr<Store> open_store(const std::string& url, const StoreOptions& options) {
    const std::string_view u = url;
    if (u == "sqlite::memory:" || u == "sqlite:///:memory:") {
        return std::make_unique<sqlite::SqliteStore>("", options);
    }
    if (u.starts_with("sqlite:///")) {
        // sqlite:///relative.db -> "relative.db"; sqlite:////abs.db -> "/abs.db"
        auto path = std::string(u.substr(10));
        if (const auto q = path.find('?'); q != std::string::npos) path.resize(q);
        if (path.empty()) throw std::invalid_argument("DATABASE_URL: sqlite URL has no file path");
        return std::make_unique<sqlite::SqliteStore>(path, options);
    }
    if (u.starts_with("postgresql://") || u.starts_with("postgres://")) {
        return std::make_unique<postgres::PgStore>(url, options);
    }
    throw std::invalid_argument(
        "DATABASE_URL: unsupported URL (expected sqlite:///path.db, sqlite::memory: or "
        "postgresql://...)");
}

}  // namespace taskcore
