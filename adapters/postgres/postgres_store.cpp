#include "adapters/postgres/postgres_store.hpp"

#include "adapters/postgres/pg_listener.hpp"
#include "adapters/postgres/pg_outbox.hpp"
#include "adapters/postgres/pg_pathway.hpp"
#include "adapters/postgres/pg_pool.hpp"
#include "adapters/postgres/pg_reads.hpp"
#include "adapters/postgres/pg_retention.hpp"
#include "adapters/postgres/pg_schema.hpp"
#include "adapters/postgres/pg_writer.hpp"

#include <boost/system/system_error.hpp>

namespace gateway::postgres {

namespace core = gateway::core;
using core::store_callback;
using core::store_errc;
using error_code = boost::system::error_code;

void throw_exception_from_error(const open_error& e, const boost::source_location&) {
  throw boost::system::system_error(e.code, e.message);
}

boost::system::result<std::unique_ptr<postgres_store>, open_error> postgres_store::open(
    const postgres_options& options) {
  const auto failure = [](std::string message) {
    return open_error{make_error_code(store_errc::unavailable), std::move(message)};
  };
  if (options.dsn.empty()) return failure("the PostgreSQL connection string is empty");
  const pg_session session{options.statement_timeout_ms, options.lock_timeout_ms};
  const std::string dsn = options.dsn;
  connection_factory connect = [dsn, session](std::string& error) { return pg_connection::open(dsn, session, error); };

  std::string error;
  auto first = connect(error);
  if (!first) return failure("cannot connect to PostgreSQL: " + error);
  if (auto problem = migrate(*first); !problem.empty()) return failure(problem);
  first.reset();

  std::unique_ptr<postgres_store> store(new postgres_store(options));
  store->writer_ = std::make_unique<pg_writer>(connect, options.max_batch, options.max_queue, store->counters_);
  store->readers_ =
      std::make_unique<pg_pool>(static_cast<std::size_t>(std::max(1, options.read_connections)), connect,
                                options.max_queue, store->counters_, &store->counters_.read_queue_depth, true);
  store->outbox_worker_ = std::make_unique<pg_pool>(1, connect, 0, store->counters_, nullptr, false);
  store->listener_ = std::make_unique<pg_listener>(connect);
  postgres_store* self = store.get();
  store->writer_->on_outbox_ready([self] { self->wake_outbox(); });
  store->listener_->on_notify([self] { self->wake_outbox(); });
  return store;
}

postgres_store::postgres_store(postgres_options options) : options_(std::move(options)) {}

postgres_store::~postgres_store() {
  listener_.reset();
  readers_.reset();
  outbox_worker_.reset();
  writer_.reset();
}

void postgres_store::wake_outbox() {
  std::function<void()> notify;
  {
    std::lock_guard lock(notify_mutex_);
    notify = notify_;
  }
  if (notify) notify();
}

void postgres_store::on_outbox_ready(std::function<void()> notify) {
  std::lock_guard lock(notify_mutex_);
  notify_ = std::move(notify);
}

void postgres_store::commit(core::unit_of_work work, store_callback<core::commit_outcome> done) {
  writer_->submit(std::move(work), std::move(done));
}

void postgres_store::read(std::string type, std::string id, store_callback<core::read_outcome> done) {
  readers_->submit<core::read_outcome>(
      [type = std::move(type), id = std::move(id)](pg_connection& db) { return read_current(db, type, id); },
      std::move(done));
}

void postgres_store::vread(std::string type, std::string id, std::int64_t version,
                           store_callback<core::read_outcome> done) {
  readers_->submit<core::read_outcome>([type = std::move(type), id = std::move(id),
                                        version](pg_connection& db) { return read_version(db, type, id, version); },
                                       std::move(done));
}

void postgres_store::history(std::string type, std::string id, std::size_t count,
                             store_callback<core::history_outcome> done) {
  readers_->submit<core::history_outcome>([type = std::move(type), id = std::move(id),
                                           count](pg_connection& db) { return read_history(db, type, id, count); },
                                          std::move(done));
}

void postgres_store::search(core::search_query query, store_callback<core::search_outcome> done) {
  readers_->submit<core::search_outcome>([q = std::move(query)](pg_connection& db) { return run_search(db, q); },
                                         std::move(done));
}

void postgres_store::find_claim(std::string owner_org, std::string system, std::string value,
                                store_callback<core::claim_lookup_outcome> done) {
  readers_->submit<core::claim_lookup_outcome>([o = std::move(owner_org), s = std::move(system), v = std::move(value)](
                                                   pg_connection& db) { return read_claim(db, o, s, v); },
                                               std::move(done));
}

void postgres_store::search_audit(core::audit_query query, store_callback<core::audit_outcome> done) {
  readers_->submit<core::audit_outcome>([q = std::move(query)](pg_connection& db) { return run_audit_search(db, q); },
                                        std::move(done));
}

void postgres_store::pathway_facts(core::pathway_window window, store_callback<core::pathway_outcome> done) {
  readers_->submit<core::pathway_outcome>([w = std::move(window)](pg_connection& db) { return read_pathway(db, w); },
                                          std::move(done));
}

core::store_metrics postgres_store::metrics() const {
  return counters_.snapshot();
}

template <class Result>
void postgres_store::outbox_job(std::function<Result(pg_connection&)> body, store_callback<Result> done, bool wakes) {
  if (!wakes) return outbox_worker_->submit<Result>(std::move(body), std::move(done));
  outbox_worker_->submit<Result>(std::move(body), [this, done = std::move(done)](Result r) mutable {
    wake_outbox();
    done(std::move(r));
  });
}

// The dispatcher's poll (about once a second) is also the storage health probe for readiness:
// after a failed transaction it first rewrites the clock row (a write whose COMMIT waits for the
// WAL flush), so a failure is forgotten only once a write commits, with or without traffic.
void postgres_store::fetch_due(time_point now, std::size_t limit, std::chrono::milliseconds lease,
                               const core::outbox_fetch_scope& scope,
                               store_callback<core::outbox_entries_outcome> done) {
  const bool probing = counters_.consecutive_failures.load(std::memory_order_relaxed) > 0;
  outbox_job<core::outbox_entries_outcome>(
      [instance = options_.instance, now, limit, lease, scope, probing](pg_connection& db) {
        if (probing) db.run("UPDATE store_clock SET last_ms = last_ms");
        return outbox_fetch_due(db, instance, now, limit, lease, scope);
      },
      [this, probing, done = std::move(done)](core::outbox_entries_outcome r) mutable {
        if (!r) {
          counters_.note_transaction(false);
        } else if (probing) {
          counters_.note_transaction(true);
        }
        done(std::move(r));
      },
      false);
}

// On the outbox worker: one bounded transaction, between the dispatcher's state changes.
void postgres_store::purge_expired(core::purge_request request, store_callback<core::purge_outcome> done) {
  outbox_job<core::purge_outcome>(
      [request](pg_connection& db) { return core::purge_outcome(purge_expired_rows(db, request)); }, std::move(done),
      false);
}

void postgres_store::mark_delivered(std::string id, time_point at, store_callback<error_code> done) {
  outbox_job<error_code>(
      [id = std::move(id), at](pg_connection& db) { return outbox_mark_delivered(db, {id}, at).front(); },
      std::move(done), true);
}

void postgres_store::record_results(std::vector<core::outbox_result> results,
                                    store_callback<std::vector<error_code>> done) {
  if (results.empty()) return done({});
  const std::size_t n = results.size();
  outbox_worker_->submit(std::make_unique<pg_fn_job<boost::system::result<std::vector<error_code>>>>(
      [results = std::move(results)](pg_connection& db) {
        return boost::system::result<std::vector<error_code>>(outbox_record_results(db, results));
      },
      [this, n, done = std::move(done)](boost::system::result<std::vector<error_code>> r) mutable {
        wake_outbox();
        done(r ? std::move(*r) : std::vector<error_code>(n, r.error()));
      }));
}

void postgres_store::mark_failed(std::string id, time_point next_attempt_at, std::string error,
                                 store_callback<error_code> done) {
  outbox_job<error_code>([id = std::move(id), next_attempt_at, error = std::move(error)](
                             pg_connection& db) { return outbox_mark_failed(db, id, next_attempt_at, error); },
                         std::move(done), false);
}

void postgres_store::park_dead(std::string id, std::string error, store_callback<error_code> done) {
  outbox_job<error_code>(
      [id = std::move(id), error = std::move(error)](pg_connection& db) { return outbox_park_dead(db, id, error); },
      std::move(done), false);
}

void postgres_store::requeue(std::string id, time_point at, store_callback<error_code> done) {
  outbox_job<error_code>([id = std::move(id), at](pg_connection& db) { return outbox_requeue(db, id, at); },
                         std::move(done), true);
}

void postgres_store::requeue_all_dead(time_point at, store_callback<boost::system::result<std::int64_t>> done) {
  outbox_job<boost::system::result<std::int64_t>>([at](pg_connection& db) { return outbox_requeue_all_dead(db, at); },
                                                  std::move(done), true);
}

void postgres_store::release_leases(store_callback<error_code> done) {
  outbox_job<error_code>(
      [instance = options_.instance](pg_connection& db) { return outbox_release_leases(db, instance); },
      std::move(done), true);
}

void postgres_store::list_outbox(core::outbox_list_query query, store_callback<core::outbox_entries_outcome> done) {
  readers_->submit<core::outbox_entries_outcome>(
      [q = std::move(query)](pg_connection& db) { return outbox_list(db, q); }, std::move(done));
}

void postgres_store::show_outbox(std::string id, store_callback<core::outbox_entry_outcome> done) {
  readers_->submit<core::outbox_entry_outcome>([id = std::move(id)](pg_connection& db) { return outbox_show(db, id); },
                                               std::move(done));
}

void postgres_store::outbox_counts(store_callback<core::outbox_stats_outcome> done) {
  readers_->submit<core::outbox_stats_outcome>([](pg_connection& db) { return outbox_stats(db); }, std::move(done));
}

}  // namespace gateway::postgres
