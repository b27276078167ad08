#pragma once
// The bookkeeping of one destination's keep-alive connections, without any I/O (STYLE.md "logic
// without I/O"; model: Boost.MySQL's sansio_connection_node). The I/O driver
// (https_client_pool.cpp) asks it what to do and tells it what happened:
//
//   checkout  -> reuse an idle connection, open a new one (a free slot), or wait (all slots busy);
//                idle connections past their idle timeout come back in `close`.
//   open_succeeded / open_failed  -> the outcome of an "open" grant; a failed open frees its slot.
//   release(id, reusable)  -> the request is done; a reusable connection goes idle (or straight to
//                the first waiter), anything else is dropped and its slot freed.
//   take_grant / cancel_wait  -> a woken (or timed-out) waiter collects what it was handed.
//
// Waiters are served first come, first served: a freed slot or connection is handed to the
// oldest waiter directly, so a new checkout cannot overtake it.
//
// Thread safety: none; the driver holds one mutex around every call.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace gateway::net {

class client_pool_state {
 public:
  using clock = std::chrono::steady_clock;
  using connection_id = std::uint64_t;  // never 0
  using ticket = std::uint64_t;         // a waiter's number, never 0

  struct limits {
    std::size_t max_connections = 4;                          // open or opening at once (at least 1)
    std::size_t max_idle = 4;                                 // kept for reuse; more are closed on release
    clock::duration idle_timeout = std::chrono::seconds(30);  // an idle connection older than this is closed
  };

  // What the caller may do now.
  struct grant {
    enum class kind { reuse, open } what = kind::open;
    connection_id id = 0;
    friend bool operator==(const grant&, const grant&) = default;
  };

  struct checkout_result {
    std::optional<grant> now;          // empty: wait for `waiting` to be woken
    ticket waiting = 0;                // set when `now` is empty
    std::vector<connection_id> close;  // idle connections found expired: close them
  };

  // A waiter to wake; it then calls take_grant(waiter).
  struct wake {
    ticket waiter = 0;
    friend bool operator==(const wake&, const wake&) = default;
  };

  struct release_result {
    std::optional<wake> woken;
    std::vector<connection_id> close;  // connections to close (the released one if dropped, excess idle)
  };

  explicit client_pool_state(limits l);

  checkout_result checkout(clock::time_point now);

  // The connection of an "open" grant is ready (counted in connections_opened()).
  void open_succeeded(connection_id id);
  // The open failed; its slot is free again (maybe handed to a waiter as a new "open" grant).
  std::optional<wake> open_failed(connection_id id);

  release_result release(connection_id id, bool reusable, clock::time_point now);

  // What a woken waiter was handed; empty if it was not woken (or already collected it).
  std::optional<grant> take_grant(ticket waiter);
  // The waiter gives up. If it was already handed something, that grant is returned and the
  // waiter must use it (or release/open_failed it) like any other grant.
  std::optional<grant> cancel_wait(ticket waiter);

  // Idle connections past their idle timeout (the driver may call this from a timer).
  std::vector<connection_id> expire_idle(clock::time_point now);
  // Every idle connection, for shutdown. Busy ones are dropped when released.
  std::vector<connection_id> close_idle();

  std::size_t idle() const { return idle_.size(); }
  std::size_t busy() const { return busy_.size(); }  // checked out, including opening
  std::size_t waiting() const { return waiters_.size(); }
  std::uint64_t connections_opened() const { return opened_; }
  const limits& settings() const { return limits_; }

 private:
  struct idle_connection {
    connection_id id;
    clock::time_point since;
  };

  grant open_slot();
  std::optional<wake> hand_to_waiter(grant g);

  limits limits_;
  std::vector<idle_connection> idle_;  // oldest first; reuse takes the newest (warmest)
  std::set<connection_id> busy_;
  std::set<connection_id> opening_;
  std::deque<ticket> waiters_;
  std::map<ticket, grant> granted_;  // woken, not yet collected
  connection_id next_id_ = 1;
  ticket next_ticket_ = 1;
  std::uint64_t opened_ = 0;
};

}  // namespace gateway::net
