#pragma once
// LISTEN rg_outbox on a connection of its own: every commit of any instance that added outbox
// items (pg_writer NOTIFYs in the same transaction) wakes this instance's dispatcher. Notifications
// sent while the connection is down are lost, so after every (re)connect it wakes the dispatcher
// once anyway, and the dispatcher's idle poll remains the fallback.
//
// Thread safety: on_notify() before start(); the callback runs on the listener's thread.

#include "adapters/postgres/pg_pool.hpp"

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

namespace gateway::postgres {

class pg_listener {
 public:
  explicit pg_listener(connection_factory connect);
  ~pg_listener();  // stops within one poll interval
  pg_listener(const pg_listener&) = delete;
  pg_listener& operator=(const pg_listener&) = delete;

  void on_notify(std::function<void()> notify);

 private:
  void run();
  void wake();

  connection_factory connect_;
  std::mutex mutex_;
  std::function<void()> notify_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace gateway::postgres
