#include "adapters/postgres/pg_pool.hpp"

namespace gateway::postgres {

pg_connection* connection_slot::get(sql_store::store_counters& counters, bool now_anyway) {
  if (conn_) return conn_.get();
  const auto now = std::chrono::steady_clock::now();
  if (!now_anyway && now - last_attempt_ < reconnect_interval) return nullptr;
  last_attempt_ = now;
  std::string error;
  conn_ = connect_(error);
  counters.available.store(conn_ != nullptr, std::memory_order_relaxed);
  return conn_.get();
}

void connection_slot::check() {
  if (conn_ && !conn_->ok()) conn_.reset();
}

pg_pool::pg_pool(std::size_t threads, connection_factory connect, std::size_t max_queue,
                 sql_store::store_counters& counters, std::atomic<std::uint64_t>* queue_gauge,
                 bool retry_on_new_connection)
    : connect_(std::move(connect)),
      max_queue_(max_queue),
      counters_(counters),
      queue_gauge_(queue_gauge),
      retry_(retry_on_new_connection) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < std::max<std::size_t>(1, threads); ++i) threads_.emplace_back([this] { run(); });
}

pg_pool::~pg_pool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void pg_pool::submit(std::unique_ptr<pg_job> job) {
  {
    std::lock_guard lock(mutex_);
    if (max_queue_ > 0 && queue_.size() >= max_queue_) {
      counters_.too_busy.fetch_add(1, std::memory_order_relaxed);
      refused_.push_back(std::move(job));
    } else {
      queue_.push_back(std::move(job));
      if (queue_gauge_ != nullptr) queue_gauge_->store(queue_.size(), std::memory_order_relaxed);
    }
  }
  wake_.notify_one();
}

void pg_pool::run() {
  connection_slot slot(connect_);
  for (;;) {
    std::unique_ptr<pg_job> job;
    bool refused = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || !refused_.empty(); });
      if (!refused_.empty()) {
        job = std::move(refused_.front());
        refused_.pop_front();
        refused = true;
      } else if (!queue_.empty()) {
        job = std::move(queue_.front());
        queue_.pop_front();
        if (queue_gauge_ != nullptr) queue_gauge_->store(queue_.size(), std::memory_order_relaxed);
      } else {
        return;  // stopping and drained
      }
    }
    if (refused) {
      job->fail(gateway::core::store_errc::too_busy);
      continue;
    }
    pg_connection* db = slot.get(counters_);
    if (db == nullptr) {
      job->fail(gateway::core::store_errc::unavailable);
      continue;
    }
    if (!job->run(*db, retry_)) {
      slot.check();
      db = slot.get(counters_, true);
      if (db == nullptr)
        job->fail(gateway::core::store_errc::unavailable);
      else
        job->run(*db, false);
    }
    slot.check();
  }
}

}  // namespace gateway::postgres
