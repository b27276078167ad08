#include "gateway/retention/purger.hpp"

#include <future>
#include <memory>

#include "gateway/telemetry/log.hpp"

namespace gateway::retention {

core::purge_request purge_cutoffs(const retention_policy& policy, time_point now) {
  core::purge_request r;
  r.delivered_before = now - policy.outbox_delivered;
  r.audit_before = now - policy.audit;
  r.max_rows = policy.batch_rows;
  return r;
}

purger::purger(core::retention_store& store, retention_policy policy, clock_fn now)
    : store_(store), policy_(policy), now_(std::move(now)) {}

purger::~purger() {
  stop();
}

void purger::start() {
  thread_ = std::thread([this] { run(); });
}

void purger::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

purge_totals purger::purge_now() {
  purge_totals pass;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    auto answered = std::make_shared<std::promise<core::purge_outcome>>();
    auto future = answered->get_future();
    store_.purge_expired(purge_cutoffs(policy_, now_()),
                         [answered](core::purge_outcome r) { answered->set_value(std::move(r)); });
    const core::purge_outcome outcome = future.get();
    ++pass.batches;
    batches_.fetch_add(1, std::memory_order_relaxed);
    if (!outcome) {
      ++pass.failures;
      failures_.fetch_add(1, std::memory_order_relaxed);
      telemetry::warn("retention: purge batch failed; next pass retries", {{"error", outcome.error().message()}});
      break;
    }
    pass.outbox_deleted += outcome->outbox_deleted;
    pass.audit_deleted += outcome->audit_deleted;
    outbox_deleted_.fetch_add(outcome->outbox_deleted, std::memory_order_relaxed);
    audit_deleted_.fetch_add(outcome->audit_deleted, std::memory_order_relaxed);
    if (!outcome->more) break;
  }
  if (pass.outbox_deleted + pass.audit_deleted > 0) {
    telemetry::info("retention: purged", {{"outbox_items", static_cast<long long>(pass.outbox_deleted)},
                                          {"audit_records", static_cast<long long>(pass.audit_deleted)},
                                          {"batches", static_cast<long long>(pass.batches)}});
  }
  return pass;
}

purge_totals purger::totals() const {
  return {outbox_deleted_.load(), audit_deleted_.load(), batches_.load(), failures_.load()};
}

void purger::run() {
  for (;;) {
    purge_now();
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, policy_.interval, [this] { return stopping_; })) return;
  }
}

}  // namespace gateway::retention
