#pragma once
// The outbox dispatcher's driver (issue 5 item 1): a thin I/O layer around core::dispatch_state.
// It runs on its own thread with its own io_context, so deliveries never compete with request
// handling for an I/O thread and shutdown can let the deliveries in flight record their result
// after the listeners have drained. Network ports (the HTTPS sender) may run on io().
//
// Cycle: at start release_leases (this instance's leases from its previous run are stale; other
// instances' stay theirs), then fetch_due (each destination's share of it bounded by
// core::dispatch_state, so one destination's backlog cannot fill the fetch or the window) -> hand each item to the port
// of its (channel, destination) -> feed the result to core::retry_schedule -> the destination's slot frees at once
// -> the result joins the next batch of results the store records in one unit
// (outbox_store::record_results: delivered / failed with its next attempt / dead with the last
// error; one batch being written at a time) -> once recorded, the item is let go and its key's next
// item may be fetched. It wakes on store.on_outbox_ready (new or requeued items, also another
// instance's, by LISTEN/NOTIFY on PostgreSQL), at the earliest retry it scheduled, and on an idle
// poll (the fallback: items due later that an earlier process or another instance scheduled,
// leases that ran out, a missed notification).
//
// Nothing is delivered only from memory: an item is in the store before it is fetched, and stays
// pending until its result is recorded, so a restarted gateway resumes from the store (an item
// whose result was not recorded is sent again with the same id; receivers drop duplicates, the
// JSON Lines sink skips ids it already holds).
//
// Thread safety: start(), begin_stop(), stop() from any thread (begin_stop() also from the server's
// shutdown callback); everything else runs on the dispatcher's thread. The store, the registry's
// ports and the metrics must outlive the dispatcher.
#include <chrono>
#include <memory>

#include "gateway/core/dispatch_state.hpp"
#include "gateway/core/retry_schedule.hpp"
#include "gateway/core/store_outbox.hpp"

namespace boost::asio {
class io_context;
}

namespace gateway::outbox {

class delivery_registry;
class outbox_metrics;

struct dispatcher_options {
  core::dispatch_limits limits;
  std::chrono::milliseconds lease{30'000};
  core::retry_policy retry;
  std::chrono::milliseconds stop_grace{5'000};      // stop(): wait this long for results in flight
  std::chrono::milliseconds stats_interval{1'000};  // queue depth for /metrics
};

class dispatcher {
 public:
  dispatcher(core::outbox_store& store, const delivery_registry& registry, dispatcher_options options,
             outbox_metrics& metrics);
  ~dispatcher();  // stop()
  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;

  // The dispatcher's io_context (one thread); ports doing network I/O may run on it.
  boost::asio::io_context& io();

  // Registers with store.on_outbox_ready and starts the thread. Call once, before traffic.
  void start();
  // No new fetches or deliveries; results in flight are still recorded.
  void begin_stop();
  // begin_stop(), wait up to stop_grace for the results in flight to be recorded, stop the thread.
  // Items whose result was not recorded stay leased and are released at the next start.
  void stop();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace gateway::outbox
