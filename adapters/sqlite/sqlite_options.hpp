#pragma once
// Configuration of the SQLite store, filled by the configuration layer (storage.sqlite.*).

#include <cstddef>
#include <cstdint>
#include <string>

namespace gateway::sqlite {

struct sqlite_options {
  std::string path;                 // database file; created if missing (its directory must exist)
  int read_connections = 2;         // reader threads, one read-only connection each
  std::size_t max_batch = 256;      // units of work per transaction (group commit)
  std::size_t max_queue = 4096;     // waiting requests per queue (writes, reads) before too_busy
  int busy_timeout_ms = 5000;       // wait for a lock held by another process before unavailable
  std::int64_t max_page_count = 0;  // size quota in pages (0 = none); past it writes are unavailable
  // WAL checkpoints (checkpointer.hpp): a background pass per this many new WAL pages, and the WAL
  // restarts from its beginning once it has grown past wal_restart_pages (4 KiB pages).
  int wal_checkpoint_pages = 512;
  int wal_restart_pages = 4096;
};

}  // namespace gateway::sqlite
