#include "adapters/postgres/pg_writer.hpp"

#include "adapters/postgres/pg_unit.hpp"
#include "gateway/core/store_time.hpp"

#include <algorithm>
#include <chrono>

namespace gateway::postgres {

namespace core = gateway::core;
using core::store_errc;

pg_writer::pg_writer(connection_factory connect, std::size_t max_batch, std::size_t max_queue,
                     sql_store::store_counters& counters)
    : slot_(std::move(connect)),
      max_batch_(std::max<std::size_t>(1, max_batch)),
      max_queue_(max_queue),
      counters_(counters),
      thread_([this] { run(); }) {}

pg_writer::~pg_writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void pg_writer::submit(core::unit_of_work work, core::store_callback<core::commit_outcome> done) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= max_queue_ || stopping_) {
      counters_.too_busy.fetch_add(1, std::memory_order_relaxed);
      refused_.push_back(pending{std::move(work), std::move(done)});
    } else {
      queue_.push_back(pending{std::move(work), std::move(done)});
      counters_.write_queue_depth.store(queue_.size(), std::memory_order_relaxed);
    }
  }
  wake_.notify_one();
}

void pg_writer::on_outbox_ready(std::function<void()> notify) {
  std::lock_guard lock(mutex_);
  outbox_notify_ = std::move(notify);
}

void pg_writer::run() {
  std::vector<pending> batch, refused;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || !refused_.empty(); });
      if (queue_.empty() && refused_.empty() && stopping_) return;
      const std::size_t n = std::min(max_batch_, queue_.size());
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      refused.swap(refused_);
      counters_.write_queue_depth.store(queue_.size(), std::memory_order_relaxed);
    }
    for (auto& p : refused) p.done(core::commit_failure{store_errc::too_busy, "write queue full", {}, {}, {}});
    refused.clear();
    if (!batch.empty()) run_batch(batch);
    batch.clear();
  }
}

void pg_writer::fail_all(std::vector<pending>& batch, const std::string& why) {
  counters_.transactions_failed.fetch_add(1, std::memory_order_relaxed);
  counters_.note_transaction(false);
  for (auto& p : batch) p.done(core::commit_failure{store_errc::unavailable, why, {}, {}, {}});
}

void pg_writer::run_batch(std::vector<pending>& batch) {
  pg_connection* db = slot_.get(counters_);
  if (db == nullptr) return fail_all(batch, "database unreachable");

  std::vector<std::optional<core::commit_outcome>> outcomes(batch.size());
  bool wakes_outbox = false;
  try {
    db->exec("BEGIN");
    using namespace std::chrono;
    const auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    // The clock row: monotonic commit time, and the turn of this batch among all instances.
    const auto clock =
        db->run("UPDATE store_clock SET last_ms = greatest(last_ms, $1) RETURNING last_ms", pg_params(now));
    write_context ctx{*db, core::format_store_instant(system_clock::time_point(milliseconds(clock.int64(0, 0)))),
                      clock.int64(0, 0)};
    unit_runner units(ctx);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      outcomes[i] = units.apply(batch[i].work);
      if (outcomes[i]->has_value()) wakes_outbox = wakes_outbox || !batch[i].work.outbox.empty();
    }
    units.finish();
    if (wakes_outbox) db->exec((std::string("NOTIFY ") + outbox_channel).c_str());
    db->exec("COMMIT");
  } catch (const std::exception& e) {
    const std::string why = e.what();
    db->rollback_quietly();
    slot_.check();
    return fail_all(batch, why);
  }

  // Durable: only now does anyone hear about this batch.
  counters_.transactions_committed.fetch_add(1, std::memory_order_relaxed);
  counters_.note_transaction(true);
  counters_.note_batch(batch.size());
  if (wakes_outbox) {
    std::function<void()> notify;
    {
      std::lock_guard lock(mutex_);
      notify = outbox_notify_;
    }
    if (notify) notify();
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const bool applied = outcomes[i]->has_value();
    (applied ? counters_.units_committed : counters_.units_rejected).fetch_add(1, std::memory_order_relaxed);
    batch[i].done(std::move(*outcomes[i]));
  }
}

}  // namespace gateway::postgres
