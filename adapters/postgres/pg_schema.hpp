#pragma once
// The PostgreSQL schema and its migrations. The version lives in the table rg_schema; migrations
// run at start-up under a session advisory lock, so of several instances starting together one
// migrates and the others wait, then find the schema current. Each migration commits together
// with its version bump: a crash mid-migration leaves the previous version intact.
//
// The tables mirror the SQLite store's (adapters/sqlite/schema.cpp), so the search SQL
// (adapters/sql_store/search_sql.hpp) and gatewayctl migrate work on both. Text that is compared
// or sorted uses COLLATE "C": byte order, as in SQLite, whatever the database's locale.

#include "adapters/postgres/pg_connection.hpp"

#include <string>

namespace gateway::postgres {

int latest_schema_version() noexcept;

// Migrates to the latest version. "" on success, else a message for the operator (never throws).
std::string migrate(pg_connection& db);

}  // namespace gateway::postgres
