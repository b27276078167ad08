#pragma once
// The outbox side of the storage port, for the dispatcher (issue 5) and operators (gatewayctl).
// Items are written by store::commit in the same transaction as the change that caused them.
//
// Ordering: items are ordered per (channel, ordering_key) by creation, and creation order is commit
// order (also across instances sharing a PostgreSQL store). Only the head of a key is ever
// eligible: the oldest item of the key that is not delivered. If the head is dead, the items
// behind it wait until it is requeued (they are never silently skipped). A fetched item is leased,
// so at most one item per key is in flight.
// The items behind a head share its wait (issue 16): when the head fails, the pending items behind
// it that were due earlier are due at its next attempt; when it is dead they have none
// (outbox_no_next_attempt); when it is requeued (or delivered after all) they are due again from
// max(created_at, that time). They could not go before the head anyway, so order and timing are
// unchanged, and the fetch's walk of due items never visits a key's blocked items.
//
// Instances (issue 14): several gateways may share one store, each with its own dispatcher and a
// name of its own (storage.instance). A lease belongs to the instance that fetched it; two
// instances fetching at once never lease the same item; an instance that dies keeps its leases
// until they run out, and then any instance fetches those items again (same id: delivery is at
// least once, receivers drop duplicates by id). A key's next item becomes eligible only once its
// head is delivered, whichever instance delivered it, so order per key holds across instances.
// The embedded SQLite store is one instance by construction (one process per file).
//
// Thread safety: every member may be called from any thread. Completion callbacks run on the
// store's own threads, after the change is durable; they must not block (post to your executor).

#include "gateway/core/store_callback.hpp"
#include "gateway/core/store_records.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::core {

// The channels, and the one fixed destination, that outbox items are written to and routed by.
inline constexpr const char* events_channel = "events";  // triage events (CloudEvents) for the platform
inline constexpr const char* platform_events_destination = "platform";
inline constexpr const char* feedback_channel = "feedback";  // feedback messages, destination a referrer's ODS code

enum class outbox_state : std::uint8_t { pending, delivered, dead };

// The next attempt of an item that has none planned: a dead item, and a pending item queued
// behind a dead item of its key (it cannot go before that item is requeued or delivered). Far
// beyond any retry, so the fetch's walk of due items never reaches such an item; requeue brings it
// back (issue 16: a referrer that is down must not make every fetch walk its blocked items).
// 2200-01-01T00:00:00Z: within system_clock's range, and the same in both stores' columns.
inline constexpr std::chrono::system_clock::time_point outbox_no_next_attempt{
    std::chrono::milliseconds(7'258'118'400'000)};

// The states by name, as the store keeps them and the operator routes show and take them.
inline std::string_view to_string(outbox_state state) {
  switch (state) {
    case outbox_state::delivered:
      return "delivered";
    case outbox_state::dead:
      return "dead";
    case outbox_state::pending:
      break;
  }
  return "pending";
}

inline std::optional<outbox_state> parse_outbox_state(std::string_view name) {
  if (name == "pending") return outbox_state::pending;
  if (name == "delivered") return outbox_state::delivered;
  if (name == "dead") return outbox_state::dead;
  return std::nullopt;
}

struct outbox_entry {
  outbox_item item;
  outbox_state state = outbox_state::pending;
  std::int64_t seq = 0;  // creation order, global
  int attempts = 0;      // attempts started (fetch_due counts one)
  std::chrono::system_clock::time_point created_at{};
  std::chrono::system_clock::time_point next_attempt_at{};
  std::optional<std::chrono::system_clock::time_point> leased_until;
  std::optional<std::chrono::system_clock::time_point> delivered_at;
  std::string last_error;
};

// One delivery attempt's result, as the dispatcher records it (record_results).
struct outbox_result {
  enum class kind : std::uint8_t { delivered, failed, dead };
  std::string id;
  kind what = kind::delivered;
  std::chrono::system_clock::time_point at{};  // delivered: when; failed: the next attempt; dead: unused
  std::string error;                           // failed, dead: kept as last_error
};

struct outbox_list_query {
  std::optional<outbox_state> state;
  std::optional<std::string> channel;
  std::optional<std::int64_t> after_seq;  // paging: the last seq of the previous page
  std::size_t count = 100;
};

struct outbox_stats {
  std::int64_t pending = 0;
  std::int64_t dead = 0;
  std::optional<std::chrono::system_clock::time_point> oldest_pending_created_at;
};

// How one fetch shares itself among destinations (issue 16: one referrer's backlog must not fill
// the dispatcher's window while other referrers' feedback waits behind it).
struct outbox_fetch_scope {
  struct share {
    std::string channel;
    std::string destination;
    std::size_t most = 0;  // this destination's bound for this fetch; 0: leave it out
  };
  // At most this many items of any one (channel, destination) not in `shares`; 0: no bound.
  std::size_t per_destination = 0;
  std::vector<share> shares;
};

using outbox_entries_outcome = boost::system::result<std::vector<outbox_entry>>;
using outbox_entry_outcome = boost::system::result<outbox_entry>;
using outbox_stats_outcome = boost::system::result<outbox_stats>;

class outbox_store {
 public:
  using time_point = std::chrono::system_clock::time_point;

  virtual ~outbox_store() = default;

  // Leases up to `limit` eligible items to this instance: pending, next_attempt_at <= now, not
  // leased (or lease expired, whoever held it), head of their key. Each is leased until now + lease
  // and its attempts go up by one. A crash while leased only delays: the lease runs out and the item
  // is fetched again (same id), by this instance or another. `now` is the caller's clock: instances
  // sharing a store need clocks that agree to well within a lease (NTP).
  // The lease must outlast one delivery attempt.
  // Fairness (scope): each (channel, destination) gives at most its share of its oldest eligible
  // items (scope.shares, else scope.per_destination); of those, the `limit` oldest by
  // (next_attempt_at, seq) are leased. So a destination with thousands of due items never hides
  // another destination's items from the fetch. A fetch costs one index seek per destination with
  // pending items plus a walk bounded by its share, not a walk through another's backlog.
  virtual void fetch_due(time_point now, std::size_t limit, std::chrono::milliseconds lease,
                         const outbox_fetch_scope& scope, store_callback<outbox_entries_outcome> done) = 0;
  // Ends the lease. delivered: the key's next item becomes eligible. Also from dead (an operator
  // parked it while its last attempt was on the wire): the items behind it come back as on requeue.
  virtual void mark_delivered(std::string id, time_point at, store_callback<boost::system::error_code> done) = 0;
  // The results of several attempts in one unit of work: the dispatcher records together whatever
  // results arrived while its previous record was being written, so at any concurrency a batch of
  // results costs one unit (and shares one fsync with whatever else the store commits). Each result
  // has the effect of mark_delivered, mark_failed or park_dead; `done` gets one error per result,
  // in order (an unknown id or a state that forbids the change does not undo the others). The
  // default records them one by one.
  virtual void record_results(std::vector<outbox_result> results,
                              store_callback<std::vector<boost::system::error_code>> done) {
    struct gather {
      std::mutex mutex;
      std::vector<boost::system::error_code> errors;
      std::size_t left;
      store_callback<std::vector<boost::system::error_code>> done;
    };
    if (results.empty()) return done({});
    auto g = std::make_shared<gather>();
    g->errors.resize(results.size());
    g->left = results.size();
    g->done = std::move(done);
    for (std::size_t i = 0; i < results.size(); ++i) {
      auto one = [g, i](boost::system::error_code ec) {
        std::unique_lock lock(g->mutex);
        g->errors[i] = ec;
        if (--g->left == 0) {
          lock.unlock();
          g->done(std::move(g->errors));
        }
      };
      outbox_result& r = results[i];
      switch (r.what) {
        case outbox_result::kind::delivered:
          mark_delivered(std::move(r.id), r.at, std::move(one));
          break;
        case outbox_result::kind::failed:
          mark_failed(std::move(r.id), r.at, std::move(r.error), std::move(one));
          break;
        case outbox_result::kind::dead:
          park_dead(std::move(r.id), std::move(r.error), std::move(one));
          break;
      }
    }
  }
  // Stays pending, retried at next_attempt_at; the error is kept as last_error. The items behind it
  // on its key are due no earlier than that.
  virtual void mark_failed(std::string id, time_point next_attempt_at, std::string error,
                           store_callback<boost::system::error_code> done) = 0;
  // Dead-letter: visible, blocks its key until requeued; it and the items behind it have no next
  // attempt (outbox_no_next_attempt).
  virtual void park_dead(std::string id, std::string error, store_callback<boost::system::error_code> done) = 0;
  // Dead (or pending) -> pending, due at `at`, attempts reset. invalid_request if delivered. The
  // items behind it are due from max(created_at, at) again (unless a dead item is still before them).
  virtual void requeue(std::string id, time_point at, store_callback<boost::system::error_code> done) = 0;
  // Every dead item -> pending; the callback gets how many.
  virtual void requeue_all_dead(time_point at, store_callback<boost::system::result<std::int64_t>> done) = 0;
  // Clears the leases this instance holds (its previous run's, when it restarts under the same
  // name); other instances' leases are left to run out. Call once at dispatcher start-up.
  // SQLite: one instance, so every lease.
  virtual void release_leases(store_callback<boost::system::error_code> done) = 0;

  virtual void list_outbox(outbox_list_query query, store_callback<outbox_entries_outcome> done) = 0;
  virtual void show_outbox(std::string id, store_callback<outbox_entry_outcome> done) = 0;
  virtual void outbox_counts(store_callback<outbox_stats_outcome> done) = 0;

  // Called (on a store thread) after each commit that added outbox items or requeued one, so the
  // dispatcher can wake instead of polling; with a shared store also after other instances' commits
  // (PostgreSQL: LISTEN/NOTIFY). A wake-up may be missed (a connection down), so the dispatcher
  // still looks again now and then. Set once, before traffic starts.
  virtual void on_outbox_ready(std::function<void()> notify) = 0;
};

}  // namespace gateway::core
