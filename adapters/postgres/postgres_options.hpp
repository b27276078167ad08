#pragma once
// Configuration of the PostgreSQL store, filled by the configuration layer (storage.*).

#include <cstddef>
#include <string>

namespace gateway::postgres {

struct postgres_options {
  // libpq connection string ("host=db1 port=5432 dbname=gateway user=gateway" or a postgresql:// URI);
  // passwords belong in ~/.pgpass or PGPASSFILE, not here.
  std::string dsn;
  // This gateway's name among the instances sharing the database (outbox leases are taken and
  // released under it); unique per instance and stable across its restarts.
  std::string instance = "gateway";
  int read_connections = 2;      // reader threads, one connection each
  std::size_t max_batch = 256;   // units of work per transaction (group commit)
  std::size_t max_queue = 4096;  // waiting requests per queue (writes, reads) before too_busy
  int lock_timeout_ms = 5000;    // wait for a row lock (another instance's batch) before unavailable
  int statement_timeout_ms = 30'000;
};

}  // namespace gateway::postgres
