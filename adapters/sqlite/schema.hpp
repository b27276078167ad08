#pragma once
// The database schema and its migrations. The schema version lives in PRAGMA user_version;
// migrations run in order at start-up, each in the same transaction as its version bump, so a
// crash mid-migration leaves the previous version intact and a reopen is a no-op.

#include "adapters/sqlite/connection.hpp"

#include <memory>
#include <string>

namespace gateway::sqlite {

// The version this build writes.
int latest_schema_version() noexcept;

// Sets the connection pragmas (WAL, synchronous=FULL, foreign keys) and migrates to the latest
// version. Returns "" on success, else a message for the operator (never throws).
// up_to_version: stop at an older version (tests of a migration start from the schema before it).
std::string prepare_database(connection& db, std::int64_t max_page_count, int up_to_version = latest_schema_version());

// The read-write connection of a store: the file created 0600 if missing (SQLite gives its -wal
// and -shm the same mode), files left readable by others (by an older version) made private,
// then prepare_database. nullptr with `error` set (for the operator) when any of it fails.
std::unique_ptr<connection> open_database(const std::string& path, int busy_timeout_ms, std::int64_t max_page_count,
                                          std::string& error);

// Pragmas for a read-only connection (foreign keys, query_only). Returns "" or a message.
std::string prepare_reader(connection& db);

}  // namespace gateway::sqlite
