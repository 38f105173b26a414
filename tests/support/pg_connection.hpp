// A bare libpq connection for tests that look at the database itself (catalogues, plans).
#pragma once

#include <libpq-fe.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "storage/postgres/pg_params.hpp"

namespace taskcore::testing {

struct PgConnection {
    explicit PgConnection(const std::string& url) : raw(PQconnectdb(url.c_str())) {
        REQUIRE(PQstatus(raw) == CONNECTION_OK);
    }
    ~PgConnection() { PQfinish(raw); }
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // Every row's first column, as text.
    std::vector<std::string> column(const std::string& text,
                                    const postgres::Params& params = postgres::Params{}) {
        const auto values = params.pointers();
        PGresult* result = PQexecParams(raw, text.c_str(), static_cast<int>(values.size()), nullptr,
                                        values.data(), nullptr, nullptr, 0);
        INFO(text << "\n" << PQresultErrorMessage(result));
        REQUIRE(PQresultStatus(result) == PGRES_TUPLES_OK);
        std::vector<std::string> out;
        for (int i = 0; i < PQntuples(result); ++i) out.emplace_back(PQgetvalue(result, i, 0));
        PQclear(result);
        return out;
    }
    // Statements without results (several, separated by ';').
    void command(const std::string& text) {
        PGresult* result = PQexec(raw, text.c_str());
        INFO(text << "\n" << PQresultErrorMessage(result));
        CHECK(PQresultStatus(result) == PGRES_COMMAND_OK);
        PQclear(result);
    }
    // EXPLAIN of one statement with its parameters, one string.
    std::string plan(const std::string& statement, const postgres::Params& params) {
        std::string text;
        for (const auto& line : column("EXPLAIN (COSTS OFF) " + statement, params)) {
            text += line + "\n";
        }
        return text;
    }
    PGconn* raw;
};

}  // namespace taskcore::testing
