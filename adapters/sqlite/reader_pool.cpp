#include "adapters/sqlite/reader_pool.hpp"

namespace gateway::sqlite {

reader_pool::reader_pool(std::vector<std::unique_ptr<connection>> connections, std::size_t max_queue,
                         sql_store::store_counters& counters)
    : connections_(std::move(connections)), max_queue_(max_queue), counters_(counters) {
  threads_.reserve(connections_.size());
  for (auto& c : connections_) threads_.emplace_back([this, db = c.get()] { run(*db); });
}

reader_pool::~reader_pool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void reader_pool::submit(std::unique_ptr<read_job> job) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= max_queue_) {
      counters_.too_busy.fetch_add(1, std::memory_order_relaxed);
      refused_.push_back(std::move(job));
    } else {
      queue_.push_back(std::move(job));
      counters_.read_queue_depth.store(queue_.size(), std::memory_order_relaxed);
    }
  }
  wake_.notify_one();
}

void reader_pool::run(connection& db) {
  for (;;) {
    std::unique_ptr<read_job> job;
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
        counters_.read_queue_depth.store(queue_.size(), std::memory_order_relaxed);
      } else {
        return;  // stopping and drained
      }
    }
    if (refused)
      job->fail(gateway::core::store_errc::too_busy);
    else
      job->run(db);
  }
}

}  // namespace gateway::sqlite
