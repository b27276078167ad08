#include "adapters/sqlite/schema.hpp"

#include "gateway/files/private_paths.hpp"

#include <iterator>

namespace gateway::sqlite {
namespace {

struct migration {
  int version;
  const char* sql;
};

// Append only: never edit a migration that has shipped; add the next one.
constexpr migration migrations[] = {
    {1, R"sql(
-- Every version of every resource. seq is the global write order: the keyset-paging tie-breaker.
CREATE TABLE resource_history (
  seq          INTEGER PRIMARY KEY,
  type         TEXT    NOT NULL,
  id           TEXT    NOT NULL,
  version      INTEGER NOT NULL,
  last_updated TEXT    NOT NULL,
  owner_org    TEXT    NOT NULL,
  deleted      INTEGER NOT NULL,
  json         TEXT    NOT NULL,
  UNIQUE (type, id, version)
);
-- The current version of each resource; its JSON is the history row it points at.
CREATE TABLE resources (
  type         TEXT    NOT NULL,
  id           TEXT    NOT NULL,
  version      INTEGER NOT NULL,
  last_updated TEXT    NOT NULL,
  seq          INTEGER NOT NULL REFERENCES resource_history (seq),
  owner_org    TEXT    NOT NULL,
  deleted      INTEGER NOT NULL,
  PRIMARY KEY (type, id)
) WITHOUT ROWID;
CREATE INDEX resources_by_updated ON resources (type, last_updated, seq);
CREATE INDEX resources_by_owner ON resources (type, owner_org, last_updated, seq);
-- Search parameters of current versions, computed by the core.
CREATE TABLE search_index (
  type  TEXT NOT NULL,
  param TEXT NOT NULL,
  value TEXT NOT NULL,
  id    TEXT NOT NULL,
  PRIMARY KEY (type, param, value, id),
  FOREIGN KEY (type, id) REFERENCES resources (type, id)
) WITHOUT ROWID;
CREATE INDEX search_index_by_resource ON search_index (type, id, param, value);
-- Business identifiers: one holder per (owner_org, system, value), forever.
CREATE TABLE identifier_claims (
  owner_org     TEXT NOT NULL,
  system        TEXT NOT NULL,
  value         TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id   TEXT NOT NULL,
  PRIMARY KEY (owner_org, system, value)
) WITHOUT ROWID;
-- Messages to deliver. Times are milliseconds since the Unix epoch.
CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY,
  id              TEXT    NOT NULL UNIQUE,
  channel         TEXT    NOT NULL,
  destination     TEXT    NOT NULL,
  ordering_key    TEXT    NOT NULL,
  content_type    TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  leased_until    INTEGER,
  delivered_at    INTEGER,
  last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_open_by_key ON outbox (channel, ordering_key, seq) WHERE state <> 'delivered';
CREATE INDEX outbox_due ON outbox (next_attempt_at, seq) WHERE state = 'pending';
CREATE INDEX outbox_by_state ON outbox (state, seq);
CREATE TABLE audit (
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL,
  recorded    TEXT NOT NULL,
  caller_org  TEXT NOT NULL,
  caller_role TEXT NOT NULL,
  action      TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  outcome     TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  json        TEXT NOT NULL
);
CREATE INDEX audit_by_entity ON audit (entity_type, entity_id, seq);
CREATE INDEX audit_by_time ON audit (recorded, seq);
)sql"},
    {2, R"sql(
-- The search index keyed by a per-resource integer that grows with creation time (rkey: the seq of
-- the resource's first version) instead of its UUID. Rows of new resources then land at the end of
-- each (type, param, value) range and of the by-resource index, instead of on a random leaf each:
-- a batch of referrals dirties a few pages per B-tree rather than one per row, which is what the
-- WAL writes (and the checkpoint copies again) at every commit.
ALTER TABLE resources ADD COLUMN rkey INTEGER NOT NULL DEFAULT 0;
UPDATE resources SET rkey = (SELECT min(h.seq) FROM resource_history h
                             WHERE h.type = resources.type AND h.id = resources.id);
CREATE UNIQUE INDEX resources_by_rkey ON resources (rkey);
CREATE TABLE search_keys (
  type  TEXT    NOT NULL,
  param TEXT    NOT NULL,
  value TEXT    NOT NULL,
  rkey  INTEGER NOT NULL,
  PRIMARY KEY (type, param, value, rkey)
) WITHOUT ROWID;
CREATE INDEX search_keys_by_resource ON search_keys (rkey, param, value);
INSERT INTO search_keys (type, param, value, rkey)
  SELECT s.type, s.param, s.value, r.rkey FROM search_index s JOIN resources r ON r.type = s.type AND r.id = s.id;
DROP TABLE search_index;
)sql"},
    {3, R"sql(
-- Retention (store_retention.hpp): delivered outbox items are purged oldest delivery first. A
-- partial index, so the purger finds the expired ones without walking every delivered row.
CREATE INDEX outbox_delivered_at ON outbox (delivered_at) WHERE state = 'delivered';
)sql"},
    {4, R"sql(
-- The operations page (store_pathway.hpp) asks for the referrals first stored in a time window: a
-- partial index on referrals' first versions only, so that read does not walk every version of
-- every resource and other resources' writes do not pay for it.
CREATE INDEX resource_history_first_referrals ON resource_history (type, last_updated)
  WHERE type = 'ServiceRequest' AND version = 1;
)sql"},
    {5, R"sql(
-- Fairness across destinations (issue 16): the dispatcher's fetch takes a bounded number of each
-- destination's oldest eligible items, so one referrer's backlog cannot fill the fetch while other
-- referrers' feedback waits. It finds the destinations with pending items by skipping along this
-- index (one seek each) and walks each destination's items in due order.
-- It replaces outbox_due, which the fetch no longer walks and nothing else reads.
CREATE INDEX outbox_pending_by_destination ON outbox (channel, destination, next_attempt_at, seq)
  WHERE state = 'pending';
DROP INDEX outbox_due;
)sql"},
    {6, R"sql(
-- Paired search keys (gateway/core/search_pairs.hpp, issue 16): each Task's one
-- "status+priority-rank" row, which the platform's work queue reads as one index range in its
-- order. Tasks written before have none; a Task without a priority-rank row is routine (rank 3),
-- as the core indexes it.
INSERT OR IGNORE INTO search_keys (type, param, value, rkey)
  SELECT s.type, 'status+priority-rank',
         s.value || char(31) || coalesce((SELECT min(p.value) FROM search_keys p
                                          WHERE p.rkey = s.rkey AND p.param = 'priority-rank'), '3'),
         s.rkey
  FROM search_keys s WHERE s.type = 'Task' AND s.param = 'status';
)sql"},
    {7, R"sql(
-- A referrer's searches (issue 16) walk its own resources in last-updated order: this index
-- carries what the walk filters on (deleted) and what each row's criterion look-up needs (rkey),
-- so the walk reads the index alone instead of one table look-up per row. It replaces
-- resources_by_owner; deleted comes before last_updated, so tombstones are skipped, not walked.
CREATE INDEX resources_by_owner_live ON resources (type, owner_org, deleted, last_updated, seq, rkey);
DROP INDEX resources_by_owner;
-- ... and the total of a referrer's list by one status counts one index range: the owner-paired
-- rows (gateway/core/search_pairs.hpp), "<owner>\x1f<status>" per ServiceRequest and Task.
INSERT OR IGNORE INTO search_keys (type, param, value, rkey)
  SELECT s.type, '_owner+status', r.owner_org || char(31) || s.value, s.rkey
  FROM search_keys s JOIN resources r ON r.rkey = s.rkey
  WHERE s.type IN ('ServiceRequest', 'Task') AND s.param = 'status';
)sql"},
};

std::string pragma_text(connection& db, const char* sql) {
  auto stmt = db.prepare(sql);
  return stmt->step() ? stmt->text(0) : std::string();
}

}  // namespace

int latest_schema_version() noexcept {
  return std::prev(std::end(migrations))->version;
}

std::string prepare_database(connection& db, std::int64_t max_page_count, int up_to_version) {
  try {
    // journal_mode is the first statement that reads the file: "not a database" shows up here.
    // 8 KB pages for a new database (an existing one keeps the size it was made with): referrals'
    // JSON rows (2-4 KB) filled 4 KB pages to 60 %; with 8 KB a preloaded store takes 19,723
    // bytes per referral instead of 25,682 (-23 %; 1,000,000 referrals then fit in this machine's
    // memory) and intake on tmpfs spent 0.74-0.80 ms of gateway CPU per referral instead of
    // 0.86-0.88 (issue 16, BENCHMARKS.md "Page size").
    db.exec("PRAGMA page_size=8192");
    if (const auto mode = pragma_text(db, "PRAGMA journal_mode=WAL"); mode != "wal")
      return "cannot switch the database to WAL mode (journal_mode is '" + mode + "')";
    // temp_store=MEMORY keeps each unit's savepoint journal off the disk; a larger cache keeps a
    // whole batch's dirty pages in memory until COMMIT instead of spilling them early.
    // foreign_keys=OFF: the writer is the only writer and always inserts a resource row before
    // its search rows; checking each of the ~20 search rows of a referral against `resources`
    // cost a B-tree lookup apiece on the single writer thread. The constraints stay declared.
    db.exec(
        "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY; "
        "PRAGMA cache_size=-65536;");
    if (max_page_count > 0) pragma_text(db, ("PRAGMA max_page_count=" + std::to_string(max_page_count)).c_str());

    db.exec("BEGIN IMMEDIATE");
    try {
      const int current = std::stoi(pragma_text(db, "PRAGMA user_version"));
      if (current > latest_schema_version()) {
        db.exec("ROLLBACK");
        return "database schema version " + std::to_string(current) + " is newer than this gateway supports (" +
               std::to_string(latest_schema_version()) + ")";
      }
      for (const auto& m : migrations) {
        if (m.version <= current || m.version > up_to_version) continue;
        db.exec(m.sql);
        db.exec(("PRAGMA user_version=" + std::to_string(m.version)).c_str());
      }
      db.exec("COMMIT");
    } catch (...) {
      db.try_exec("ROLLBACK");
      throw;
    }
    // Verify the schema is readable (catches corrupt pages in the schema early).
    pragma_text(db, "SELECT count(*) FROM sqlite_schema");
    return {};
  } catch (const db_error& e) {
    return std::string("cannot prepare database: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("cannot prepare database: ") + e.what();
  }
}

std::unique_ptr<connection> open_database(const std::string& path, int busy_timeout_ms, std::int64_t max_page_count,
                                          std::string& error) {
  if (path.empty()) {
    error = "storage path is empty";
    return nullptr;
  }
  // Patient data: private from the first byte.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const auto made = files::make_file_private(path + suffix, *suffix == '\0');
    if (!made.error.empty()) {
      error = made.error;
      return nullptr;
    }
  }
  auto db = connection::open(path, false, busy_timeout_ms, error);
  if (!db) return nullptr;
  if (auto message = prepare_database(*db, max_page_count); !message.empty()) {
    error = path + ": " + message;
    return nullptr;
  }
  return db;
}

std::string prepare_reader(connection& db) {
  try {
    // A reader's page cache (SQLite's default is 2 MB): a referrer's search and its total visit the
    // practice's index entries and one search row per referral; with the default every visit past
    // the first few thousand was a read() of a page from the OS (3-28 us per row at 200,000
    // referrals against ~1 us from the cache). Each reader connection has its own; they fill only
    // as a large store is read.
    db.exec("PRAGMA foreign_keys=ON; PRAGMA query_only=ON; PRAGMA cache_size=-65536;");
    if (std::stoi(pragma_text(db, "PRAGMA user_version")) != latest_schema_version())
      return "reader sees an unexpected schema version";
    return {};
  } catch (const std::exception& e) {
    return std::string("cannot prepare reader connection: ") + e.what();
  }
}

}  // namespace gateway::sqlite
