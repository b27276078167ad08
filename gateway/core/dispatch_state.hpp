#pragma once
// The outbox dispatcher's scheduling decisions as a plain state machine (issue 5 item 1): how
// many items to fetch and when, which fetched items may start, and when to look again. No I/O,
// no clock, no threads: the driver (gateway/outbox/dispatcher.hpp) feeds it events with the time
// and does what it answers.
//
// Guarantees:
// - an item id is held (waiting or in flight) at most once: when a lease ran out and the store
//   hands the same item out again, the copy is ignored, so an item is never sent twice at once;
// - at most limit(channel, destination) items are in flight per (channel, destination): sent and
//   not yet answered. An answered item frees its destination's slot at once, while its result is
//   still being recorded, so a destination's throughput is its round trip's, not the store's
//   commit latency's; items fetched over that bound wait here, still leased, in the order the
//   store handed them out;
// - at most `max_held` items are held in total, so what one fetch asks for is bounded;
// - fairness across destinations: a destination holds at most twice its in-flight limit items
//   waiting or in flight (and at most `per_destination` when it holds none yet): each fetch asks
//   the store for at most that share of each destination's items (fetch_started), so a destination
//   with a large backlog or a slow receiver takes a bounded part of max_held and of each fetch,
//   and other destinations' items are fetched in the same round instead of waiting behind it;
// - ordering per (channel, ordering_key) is the store's: it leases only the head of a key, so
//   at most one item per key is ever held, and the next one is fetched only after the head's
//   result was recorded (recorded()): an item stays held from fetch to record.
//
// Thread safety: none; one driver thread owns an instance.

#include "gateway/core/store_outbox.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace gateway::core {

struct dispatch_limits {
  std::size_t batch = 64;       // most items per fetch
  std::size_t max_held = 1024;  // waiting + in flight + being recorded
  // Most items one fetch takes of a destination that holds none yet (its share once it holds some
  // is twice its in-flight limit, less what it holds).
  std::size_t per_destination = 8;
  // Look again this long after a fetch that found nothing more: items due later that this process
  // did not schedule (e.g. after a restart), and leases that ran out.
  std::chrono::milliseconds idle_poll{1'000};
  std::chrono::milliseconds fetch_retry{1'000};  // wait after a failed fetch (store busy or down)
  std::size_t max_tracked_retries = 4'096;       // beyond this the idle poll finds later retries
};

class dispatch_state {
 public:
  using time_point = std::chrono::system_clock::time_point;
  // In-flight bound for a (channel, destination); a 0 answer counts as 1.
  using limit_fn = std::function<unsigned(const std::string& channel, const std::string& destination)>;

  dispatch_state(dispatch_limits limits, limit_fn limit);

  // New or requeued items exist (store on_outbox_ready): fetch at the next opportunity.
  void wake() { dirty_ = true; }

  // How many items to fetch now; 0 = do not fetch (one outstanding, nothing due, no room, stopped).
  std::size_t fetch_size(time_point now) const;
  // A fetch of `size` items starts; answers each destination's share of it, for the store.
  outbox_fetch_scope fetch_started(time_point now, std::size_t size);
  // The fetched items (in the store's order); answers those to start now.
  std::vector<outbox_entry> fetch_done(std::vector<outbox_entry> items, time_point now);
  void fetch_failed(time_point now);

  // A started item's attempt has its result (to be recorded): its destination slot frees.
  // Answers the waiting items of its destination to start now.
  std::vector<outbox_entry> answered(const std::string& id);
  // The item's result is recorded (or recording failed and its lease will run out): it is no
  // longer held, so there is room to fetch and its key's next item may be eligible.
  void recorded(const std::string& id);

  // A retry is due at `at`: look again then.
  void retry_at(time_point at);

  // When the driver should call fetch_size again if nothing else happens; time_point::max() while a
  // fetch is outstanding or no room is left (its answer, or recorded(), comes first).
  time_point next_look(time_point now) const;

  // No more fetches or starts; waiting items are dropped (their leases are released at the next
  // start-up, or run out).
  void stop();
  bool stopping() const { return stopping_; }
  // Nothing in flight or being recorded, and no fetch outstanding.
  bool idle() const { return in_flight_.empty() && recording_.empty() && !fetching_; }

  std::size_t in_flight() const { return in_flight_.size(); }
  std::size_t recording() const { return recording_.size(); }
  std::size_t waiting() const { return held_ - in_flight_.size() - recording_.size(); }
  std::size_t ignored_duplicates() const { return ignored_; }

 private:
  struct destination_queue {
    std::string channel;
    std::string destination;
    unsigned limit = 1;  // in flight at most
    unsigned in_flight = 0;
    std::deque<outbox_entry> waiting;
  };

  std::vector<outbox_entry> start_from(const std::string& key, destination_queue& q);

  dispatch_limits limits_;
  limit_fn limit_;
  bool dirty_ = true;  // fetch at once after start-up
  bool fetching_ = false;
  bool stopping_ = false;
  std::size_t asked_ = 0;
  std::unordered_map<std::string, std::size_t> offered_;  // the outstanding fetch's shares, by key
  std::size_t held_ = 0;
  std::size_t ignored_ = 0;
  time_point poll_at_{};  // the idle poll
  time_point backoff_until_{};
  std::multiset<time_point> retries_;
  std::map<std::string, destination_queue> destinations_;   // key: channel '\n' destination
  std::unordered_map<std::string, std::string> in_flight_;  // id -> destination key
  std::unordered_set<std::string> recording_;               // answered, result not yet recorded
  std::unordered_set<std::string> held_ids_;                // waiting, in flight or recording
};

}  // namespace gateway::core
