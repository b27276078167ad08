#include "adapters/sqlite/bulk_loader.hpp"

#include "adapters/sqlite/commit_job.hpp"
#include "adapters/sqlite/connection.hpp"
#include "adapters/sqlite/outbox_sql.hpp"
#include "adapters/sqlite/resource_reads.hpp"
#include "adapters/sqlite/schema.hpp"
#include "gateway/core/store_time.hpp"

namespace gateway::sqlite {

namespace core = gateway::core;
using core::store_errc;

namespace {

open_error open_failure(std::string message) {
  return open_error{make_error_code(store_errc::unavailable), std::move(message)};
}

// What the database holds already, in words; empty when it holds nothing a load would add to.
std::string existing_data(connection& db) {
  std::string held;
  for (const char* table : {"resource_history", "outbox", "audit"}) {
    auto s = db.prepare(std::string("SELECT count(*) FROM (SELECT 1 FROM ") + table + " LIMIT 1000001)");
    const std::int64_t n = s->step() ? s->int64(0) : 0;
    if (n == 0) continue;
    if (!held.empty()) held += ", ";
    held += (n > 1000000 ? "over 1000000" : std::to_string(n)) + " rows in " + table;
  }
  return held;
}

}  // namespace

boost::system::result<std::unique_ptr<bulk_loader>, open_error> bulk_loader::open(const bulk_options& options) {
  try {
    std::string error;
    auto db = open_database(options.path, 5000, 0, error);
    if (!db) return open_failure(error);
    if (!options.allow_existing) {
      if (const auto held = existing_data(*db); !held.empty())
        return open_failure(options.path + " already holds data (" + held +
                            "); a preload adds only to an empty store (use --allow-existing to add anyway)");
    }
    // Not durable while loading (finish() makes it so); a large cache keeps the B-trees' hot pages
    // in memory; the WAL is checkpointed automatically as in any SQLite database.
    db->exec("PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
    const std::int64_t last_ms = read_last_commit_ms(*db);
    return std::unique_ptr<bulk_loader>(
        new bulk_loader(std::move(db), std::max<std::size_t>(1, options.batch), last_ms));
  } catch (const std::exception& e) {
    return open_failure(std::string("cannot open store for a bulk load: ") + e.what());
  }
}

bulk_loader::bulk_loader(std::unique_ptr<connection> db, std::size_t batch, std::int64_t last_ms)
    : db_(std::move(db)), batch_(batch), last_ms_(last_ms) {}

bulk_loader::~bulk_loader() {
  if (db_ && db_->in_transaction()) db_->try_exec("ROLLBACK");
}

core::commit_outcome bulk_loader::failed(const std::string& why) {
  broken_ = true;
  if (db_->in_transaction()) db_->try_exec("ROLLBACK");
  return core::commit_failure{make_error_code(store_errc::unavailable), why, {}, {}, {}};
}

core::commit_outcome bulk_loader::add(core::unit_of_work work, time_point at, std::optional<time_point> delivered_at) {
  using namespace std::chrono;
  if (broken_)
    return core::commit_failure{make_error_code(store_errc::unavailable), "the load failed before", {}, {}, {}};
  const std::int64_t at_ms = duration_cast<milliseconds>(at.time_since_epoch()).count();
  const std::int64_t now_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  if (at_ms < last_ms_ || at_ms > now_ms)
    return core::commit_failure{make_error_code(store_errc::invalid_request),
                                "bulk load times must not go backwards nor lie in the future",
                                {},
                                {},
                                {}};
  last_ms_ = at_ms;

  std::vector<std::string> outbox_ids;
  if (delivered_at)
    for (const auto& o : work.outbox) outbox_ids.push_back(o.id);
  std::optional<core::commit_outcome> answer;
  auto job = make_commit_job(std::move(work), [&answer](core::commit_outcome o) { answer.emplace(std::move(o)); });
  try {
    if (in_transaction_ == 0) db_->exec("BEGIN IMMEDIATE");
    write_context ctx{*db_, core::format_store_instant(system_clock::time_point(milliseconds(at_ms))), at_ms};
    const bool applied = job->apply(ctx);
    job->succeed();  // answers with what apply() decided (written records, or the refusal)
    if (!applied) {
      const std::string why = answer && !*answer ? answer->error().detail : "unit refused";
      auto refusal = std::move(*answer);
      failed(why);
      return refusal;
    }
    for (const auto& id : outbox_ids) {
      if (outbox_mark_delivered(*db_, id, *delivered_at)) return failed("bulk load: outbox item not written");
    }
    db_->reset_busy();
    if (++in_transaction_ >= batch_) {
      db_->exec("COMMIT");
      in_transaction_ = 0;
    }
  } catch (const std::exception& e) {
    return failed(std::string("bulk load: ") + e.what());
  }
  return std::move(*answer);
}

std::string bulk_loader::finish() {
  if (broken_) return "the load failed before";
  try {
    if (in_transaction_ > 0) db_->exec("COMMIT");
    in_transaction_ = 0;
    db_->exec("PRAGMA synchronous=FULL");
    db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db_.reset();
    return {};
  } catch (const std::exception& e) {
    broken_ = true;
    return std::string("bulk load: ") + e.what();
  }
}

}  // namespace gateway::sqlite
