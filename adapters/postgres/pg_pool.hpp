#pragma once
// A bounded pool of blocking connections, each owned by its own thread: jobs queue here and run on
// whichever thread is free, never on the caller's (an I/O thread never waits for the database).
// Readers are one pool (storage.read_connections threads); the outbox worker is another (one
// thread, so the dispatcher's state changes apply in the order it sent them).
//
// A thread whose connection broke (server restarted, network) opens a new one for its next job; while
// that fails, jobs are answered `unavailable` at once (retrying the connect at most every
// reconnect_interval), and counters.available says so for readiness.
//
// Thread safety: submit() from any thread; jobs run and answer on a pool thread. The destructor
// finishes the queued jobs, then joins.

#include "adapters/postgres/pg_connection.hpp"
#include "adapters/sql_store/store_counters.hpp"
#include "gateway/core/store_callback.hpp"
#include "gateway/core/store_errc.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gateway::postgres {

using connection_factory = std::function<std::unique_ptr<pg_connection>(std::string& error)>;

class pg_job {
 public:
  virtual ~pg_job() = default;
  // false: the connection turned out to be broken before anything was answered, and `may_retry`
  // allowed the job to say so; the pool runs it once more on a new connection.
  virtual bool run(pg_connection& db, bool may_retry) = 0;
  virtual void fail(gateway::core::store_errc code) = 0;
};

// A job computed by `body` and handed to `done`; a pg_error (or any exception) rolls back what
// the body left open and answers `unavailable`.
template <class Result>
class pg_fn_job final : public pg_job {
 public:
  pg_fn_job(std::function<Result(pg_connection&)> body, gateway::core::store_callback<Result> done)
      : body_(std::move(body)), done_(std::move(done)) {}

  bool run(pg_connection& db, bool may_retry) override {
    std::optional<Result> r;
    try {
      r.emplace(body_(db));
    } catch (const pg_error& e) {
      if (e.lost() && may_retry) return false;
      db.rollback_quietly();
      fail(gateway::core::store_errc::unavailable);
      return true;
    } catch (const std::exception&) {
      db.rollback_quietly();
      fail(gateway::core::store_errc::unavailable);
      return true;
    }
    done_(std::move(*r));
    return true;
  }
  void fail(gateway::core::store_errc code) override { done_(Result(make_error_code(code))); }

 private:
  std::function<Result(pg_connection&)> body_;
  gateway::core::store_callback<Result> done_;
};

class pg_pool {
 public:
  // max_queue 0: unbounded (the outbox worker: the dispatcher bounds its own requests).
  // retry_on_new_connection: a job that found its connection broken runs once more on a new one
  // (reads: a server restart then costs no error; not for writes, whose effect would be unknown).
  pg_pool(std::size_t threads, connection_factory connect, std::size_t max_queue, sql_store::store_counters& counters,
          std::atomic<std::uint64_t>* queue_gauge, bool retry_on_new_connection);
  ~pg_pool();
  pg_pool(const pg_pool&) = delete;
  pg_pool& operator=(const pg_pool&) = delete;

  // Over max_queue the job is answered too_busy (on a pool thread, never the caller's).
  void submit(std::unique_ptr<pg_job> job);

  template <class Result>
  void submit(std::function<Result(pg_connection&)> body, gateway::core::store_callback<Result> done) {
    submit(std::make_unique<pg_fn_job<Result>>(std::move(body), std::move(done)));
  }

 private:
  void run();

  connection_factory connect_;
  const std::size_t max_queue_;
  sql_store::store_counters& counters_;
  std::atomic<std::uint64_t>* queue_gauge_;
  const bool retry_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<pg_job>> queue_;
  std::deque<std::unique_ptr<pg_job>> refused_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once everything above exists
};

// Keeps one connection for one thread: reconnects after a break, at most every interval.
class connection_slot {
 public:
  static constexpr std::chrono::milliseconds reconnect_interval{200};

  explicit connection_slot(connection_factory connect) : connect_(std::move(connect)) {}
  // The connection, or nullptr when the database cannot be reached now (a new connection is tried
  // at most every reconnect_interval, unless now_anyway).
  pg_connection* get(sql_store::store_counters& counters, bool now_anyway = false);
  // Drops the connection if it broke (called after each job).
  void check();

 private:
  connection_factory connect_;
  std::unique_ptr<pg_connection> conn_;
  std::chrono::steady_clock::time_point last_attempt_{};
};

}  // namespace gateway::postgres
