#include "adapters/sqlite/sqlite_store.hpp"

#include "adapters/sqlite/commit_job.hpp"
#include "adapters/sqlite/outbox_sql.hpp"
#include "adapters/sqlite/pathway_reads.hpp"
#include "adapters/sqlite/reader_pool.hpp"
#include "adapters/sqlite/resource_reads.hpp"
#include "adapters/sqlite/retention_sql.hpp"
#include "adapters/sqlite/schema.hpp"
#include "adapters/sqlite/search_query_sql.hpp"
#include "adapters/sqlite/writer.hpp"

#include <boost/system/system_error.hpp>

#include <algorithm>

namespace gateway::sqlite {

namespace core = gateway::core;
using core::store_callback;
using core::store_errc;
using error_code = boost::system::error_code;

void throw_exception_from_error(const open_error& e, const boost::source_location&) {
  throw boost::system::system_error(e.code, e.message);
}

namespace {

bool ok(const error_code& e) {
  return !e;
}
template <class T>
bool ok(const boost::system::result<T>& r) {
  return r.has_value();
}

// A writer job made from a function over the write connection (the outbox state changes).
template <class Result>
class write_fn_job final : public write_job {
 public:
  write_fn_job(std::function<Result(connection&)> body, store_callback<Result> done, bool wakes)
      : body_(std::move(body)), done_(std::move(done)), wakes_(wakes) {}

  bool apply(write_context& ctx) override {
    result_.emplace(body_(ctx.db));
    return ok(*result_);
  }
  void succeed() override { done_(std::move(*result_)); }
  void fail(store_errc code, const std::string&) override { done_(Result(make_error_code(code))); }
  bool wakes_outbox() const override { return wakes_; }

 private:
  std::function<Result(connection&)> body_;
  store_callback<Result> done_;
  std::optional<Result> result_;
  bool wakes_;
};

// The dispatcher's results of several attempts in one unit: one savepoint, one job.
class record_results_job final : public write_job {
 public:
  record_results_job(std::vector<core::outbox_result> results, store_callback<std::vector<error_code>> done)
      : results_(std::move(results)), done_(std::move(done)) {}

  bool apply(write_context& ctx) override {
    errors_.clear();
    wakes_ = false;
    for (const auto& r : results_) {
      switch (r.what) {
        case core::outbox_result::kind::delivered:
          errors_.push_back(outbox_mark_delivered(ctx.db, r.id, r.at));
          wakes_ = wakes_ || !errors_.back();
          break;
        case core::outbox_result::kind::failed:
          errors_.push_back(outbox_mark_failed(ctx.db, r.id, r.at, r.error));
          break;
        case core::outbox_result::kind::dead:
          errors_.push_back(outbox_park_dead(ctx.db, r.id, r.error));
          break;
      }
    }
    return true;  // an unknown id changed nothing; the others stand
  }
  void succeed() override { done_(std::move(errors_)); }
  void fail(store_errc code, const std::string&) override {
    done_(std::vector<error_code>(results_.size(), make_error_code(code)));
  }
  // A delivered head lets the next item of its key be fetched.
  bool wakes_outbox() const override { return wakes_; }

 private:
  std::vector<core::outbox_result> results_;
  store_callback<std::vector<error_code>> done_;
  std::vector<error_code> errors_;
  bool wakes_ = false;
};

open_error open_failure(std::string message) {
  return open_error{make_error_code(store_errc::unavailable), message};
}

}  // namespace

boost::system::result<std::unique_ptr<sqlite_store>, open_error> sqlite_store::open(const sqlite_options& options) {
  try {
    std::string error;
    auto write_db = open_database(options.path, options.busy_timeout_ms, options.max_page_count, error);
    if (!write_db) return open_failure(error);
    const std::int64_t last_ms = read_last_commit_ms(*write_db);
    write_db->reset_busy();

    std::vector<std::unique_ptr<connection>> read_dbs;
    for (int i = 0; i < std::max(1, options.read_connections); ++i) {
      auto db = connection::open(options.path, true, options.busy_timeout_ms, error);
      if (!db) return open_failure(error);
      if (auto message = prepare_reader(*db); !message.empty()) return open_failure(options.path + ": " + message);
      read_dbs.push_back(std::move(db));
    }

    auto checkpoint_db = connection::open(options.path, false, options.busy_timeout_ms, error);
    if (!checkpoint_db) return open_failure(error);
    // FULL: the database file is fsync'd by each checkpoint before WAL frames it copied are reused.
    checkpoint_db->exec("PRAGMA synchronous=FULL");
    auto checkpoints = std::make_unique<checkpointer>(std::move(checkpoint_db), options.wal_checkpoint_pages,
                                                      options.wal_restart_pages);

    std::unique_ptr<sqlite_store> store(new sqlite_store());
    store->writer_ = std::make_unique<writer>(std::move(write_db), options.max_batch, options.max_queue, last_ms,
                                              store->counters_, std::move(checkpoints));
    store->readers_ = std::make_unique<reader_pool>(std::move(read_dbs), options.max_queue, store->counters_);
    return store;
  } catch (const std::exception& e) {
    return open_failure(std::string("cannot open store: ") + e.what());
  }
}

sqlite_store::~sqlite_store() {
  readers_.reset();
  writer_.reset();
}

void sqlite_store::commit(core::unit_of_work work, store_callback<core::commit_outcome> done) {
  writer_->submit(make_commit_job(std::move(work), std::move(done)), true);
}

void sqlite_store::read(std::string type, std::string id, store_callback<core::read_outcome> done) {
  readers_->submit<core::read_outcome>(
      [type = std::move(type), id = std::move(id)](connection& db) { return read_current(db, type, id); },
      std::move(done));
}

void sqlite_store::vread(std::string type, std::string id, std::int64_t version,
                         store_callback<core::read_outcome> done) {
  readers_->submit<core::read_outcome>([type = std::move(type), id = std::move(id),
                                        version](connection& db) { return read_version(db, type, id, version); },
                                       std::move(done));
}

void sqlite_store::history(std::string type, std::string id, std::size_t count,
                           store_callback<core::history_outcome> done) {
  readers_->submit<core::history_outcome>(
      [type = std::move(type), id = std::move(id), count](connection& db) { return read_history(db, type, id, count); },
      std::move(done));
}

void sqlite_store::search(core::search_query query, store_callback<core::search_outcome> done) {
  readers_->submit<core::search_outcome>([q = std::move(query)](connection& db) { return run_search(db, q); },
                                         std::move(done));
}

void sqlite_store::find_claim(std::string owner_org, std::string system, std::string value,
                              store_callback<core::claim_lookup_outcome> done) {
  readers_->submit<core::claim_lookup_outcome>([o = std::move(owner_org), s = std::move(system), v = std::move(value)](
                                                   connection& db) { return read_claim(db, o, s, v); },
                                               std::move(done));
}

void sqlite_store::search_audit(core::audit_query query, store_callback<core::audit_outcome> done) {
  readers_->submit<core::audit_outcome>([q = std::move(query)](connection& db) { return run_audit_search(db, q); },
                                        std::move(done));
}

core::store_metrics sqlite_store::metrics() const {
  return counters_.snapshot();
}

// Outbox state changes go through the writer (durable before answered) without the queue bound:
// the dispatcher's own concurrency bounds them, and refusing them would only stall delivery.
void sqlite_store::fetch_due(time_point now, std::size_t limit, std::chrono::milliseconds lease,
                             const core::outbox_fetch_scope& scope, store_callback<core::outbox_entries_outcome> done) {
  writer_->submit(
      std::make_unique<write_fn_job<core::outbox_entries_outcome>>(
          [now, limit, lease, scope](connection& db) { return outbox_fetch_due(db, now, limit, lease, scope); },
          std::move(done), false),
      false);
}

void sqlite_store::mark_delivered(std::string id, time_point at, store_callback<error_code> done) {
  writer_->submit(std::make_unique<write_fn_job<error_code>>(
                      [id = std::move(id), at](connection& db) { return outbox_mark_delivered(db, id, at); },
                      std::move(done), true),
                  false);
}

void sqlite_store::record_results(std::vector<core::outbox_result> results,
                                  store_callback<std::vector<error_code>> done) {
  if (results.empty()) return done({});
  writer_->submit(std::make_unique<record_results_job>(std::move(results), std::move(done)), false);
}

void sqlite_store::mark_failed(std::string id, time_point next_attempt_at, std::string error,
                               store_callback<error_code> done) {
  writer_->submit(std::make_unique<write_fn_job<error_code>>(
                      [id = std::move(id), next_attempt_at, error = std::move(error)](connection& db) {
                        return outbox_mark_failed(db, id, next_attempt_at, error);
                      },
                      std::move(done), false),
                  false);
}

void sqlite_store::park_dead(std::string id, std::string error, store_callback<error_code> done) {
  writer_->submit(
      std::make_unique<write_fn_job<error_code>>(
          [id = std::move(id), error = std::move(error)](connection& db) { return outbox_park_dead(db, id, error); },
          std::move(done), false),
      false);
}

void sqlite_store::requeue(std::string id, time_point at, store_callback<error_code> done) {
  writer_->submit(
      std::make_unique<write_fn_job<error_code>>(
          [id = std::move(id), at](connection& db) { return outbox_requeue(db, id, at); }, std::move(done), true),
      false);
}

void sqlite_store::requeue_all_dead(time_point at, store_callback<boost::system::result<std::int64_t>> done) {
  writer_->submit(std::make_unique<write_fn_job<boost::system::result<std::int64_t>>>(
                      [at](connection& db) { return outbox_requeue_all_dead(db, at); }, std::move(done), true),
                  false);
}

void sqlite_store::release_leases(store_callback<error_code> done) {
  writer_->submit(std::make_unique<write_fn_job<error_code>>([](connection& db) { return outbox_release_leases(db); },
                                                             std::move(done), true),
                  false);
}

void sqlite_store::list_outbox(core::outbox_list_query query, store_callback<core::outbox_entries_outcome> done) {
  readers_->submit<core::outbox_entries_outcome>([q = std::move(query)](connection& db) { return outbox_list(db, q); },
                                                 std::move(done));
}

void sqlite_store::show_outbox(std::string id, store_callback<core::outbox_entry_outcome> done) {
  readers_->submit<core::outbox_entry_outcome>([id = std::move(id)](connection& db) { return outbox_show(db, id); },
                                               std::move(done));
}

void sqlite_store::outbox_counts(store_callback<core::outbox_stats_outcome> done) {
  readers_->submit<core::outbox_stats_outcome>([](connection& db) { return outbox_stats(db); }, std::move(done));
}

void sqlite_store::on_outbox_ready(std::function<void()> notify) {
  writer_->on_outbox_ready(std::move(notify));
}

// Bounded like client writes: under load the purge waits (too_busy) rather than adding to it.
void sqlite_store::purge_expired(core::purge_request request, store_callback<core::purge_outcome> done) {
  writer_->submit(std::make_unique<write_fn_job<core::purge_outcome>>(
                      [request](connection& db) { return core::purge_outcome(purge_expired_rows(db, request)); },
                      std::move(done), false),
                  true);
}

void sqlite_store::pathway_facts(core::pathway_window window, store_callback<core::pathway_outcome> done) {
  readers_->submit<core::pathway_outcome>([w = std::move(window)](connection& db) { return read_pathway(db, w); },
                                          std::move(done));
}

}  // namespace gateway::sqlite
