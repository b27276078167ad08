#pragma once
// Reader threads, each owning one read-only connection. Reads never run on the caller's thread,
// so an I/O thread never waits for the disk; WAL lets them run while the writer commits.
//
// Thread safety: submit() from any thread; jobs run (and answer) on a reader thread.

#include "adapters/sql_store/store_counters.hpp"
#include "adapters/sqlite/connection.hpp"
#include "gateway/core/store_callback.hpp"
#include "gateway/core/store_errc.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace gateway::sqlite {

class read_job {
 public:
  virtual ~read_job() = default;
  virtual void run(connection& db) = 0;
  virtual void fail(gateway::core::store_errc code) = 0;
};

// A read computed by `body` on a reader connection and handed to `done`. A db_error (or any
// exception) becomes `unavailable`.
template <class Result>
class read_fn_job final : public read_job {
 public:
  read_fn_job(std::function<Result(connection&)> body, gateway::core::store_callback<Result> done)
      : body_(std::move(body)), done_(std::move(done)) {}

  void run(connection& db) override {
    std::optional<Result> r;
    try {
      r.emplace(body_(db));
    } catch (const std::exception&) {
      db.reset_busy();
      db.try_exec("ROLLBACK");  // if the body had opened a read transaction
      return fail(gateway::core::store_errc::unavailable);
    }
    db.reset_busy();
    done_(std::move(*r));
  }
  void fail(gateway::core::store_errc code) override { done_(Result(make_error_code(code))); }

 private:
  std::function<Result(connection&)> body_;
  gateway::core::store_callback<Result> done_;
};

class reader_pool {
 public:
  reader_pool(std::vector<std::unique_ptr<connection>> connections, std::size_t max_queue,
              sql_store::store_counters& counters);
  // Finishes every queued read, then stops.
  ~reader_pool();
  reader_pool(const reader_pool&) = delete;
  reader_pool& operator=(const reader_pool&) = delete;

  // Over max_queue the job is answered too_busy (on a reader thread, never the caller's).
  void submit(std::unique_ptr<read_job> job);

  template <class Result>
  void submit(std::function<Result(connection&)> body, gateway::core::store_callback<Result> done) {
    submit(std::make_unique<read_fn_job<Result>>(std::move(body), std::move(done)));
  }

 private:
  void run(connection& db);

  std::vector<std::unique_ptr<connection>> connections_;
  const std::size_t max_queue_;
  sql_store::store_counters& counters_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<read_job>> queue_;
  std::deque<std::unique_ptr<read_job>> refused_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once everything above exists
};

}  // namespace gateway::sqlite
