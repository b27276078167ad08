#include "adapters/sqlite/outbox_sql.hpp"

#include "adapters/sql_store/outbox_columns.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace gateway::sqlite {
namespace {

namespace core = gateway::core;
using core::store_errc;
using sql_store::from_ms;
using sql_store::to_ms;
using std::chrono::milliseconds;

constexpr const char* columns =
    "SELECT seq, id, channel, destination, ordering_key, content_type, payload, state, "
    "attempts, created_at, next_attempt_at, leased_until, delivered_at, last_error "
    "FROM outbox ";

core::outbox_entry entry_from(const statement& s) {
  core::outbox_entry e;
  e.seq = s.int64(0);
  e.item = core::outbox_item{s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)};
  e.state = core::parse_outbox_state(s.text(7)).value_or(core::outbox_state::pending);
  e.attempts = static_cast<int>(s.int64(8));
  e.created_at = from_ms(s.int64(9));
  e.next_attempt_at = from_ms(s.int64(10));
  if (!s.is_null(11)) e.leased_until = from_ms(s.int64(11));
  if (!s.is_null(12)) e.delivered_at = from_ms(s.int64(12));
  e.last_error = s.text(13);
  return e;
}

// After an UPDATE that matched nothing: not_found if the id is unknown, else `otherwise`.
boost::system::error_code explain_no_change(connection& db, const std::string& id, store_errc otherwise) {
  auto& s = db.cached("SELECT 1 FROM outbox WHERE id = ?1");
  return make_error_code(s.bind_all(id).step() ? otherwise : store_errc::not_found);
}

// Where an item sits on its key: what the statements that move the items behind it need.
struct key_place {
  std::string channel;
  std::string ordering_key;
  std::int64_t seq = 0;
};

key_place place_from(const statement& s) {
  return key_place{s.text(0), s.text(1), s.int64(2)};
}

// The pending items behind `head` on its key that are due before `until` are due at `until`
// (never earlier than they were). They cannot go before the head, so this changes no delivery;
// left due, they would sit in outbox_pending_by_destination ahead of the head's retry and every
// fetch would walk and check each of them again for as long as the head waits (issue 16).
// INDEXED BY: the key's open items after the head (its partial condition state <> 'delivered'
// spelled out so SQLite may use it); without statistics SQLite takes outbox_by_state and walks
// every pending item created after the head.
void hold_followers(connection& db, const key_place& head, std::int64_t until) {
  db.cached(
        "UPDATE outbox INDEXED BY outbox_open_by_key SET next_attempt_at = ?4 "
        "WHERE channel = ?1 AND ordering_key = ?2 AND seq > ?3 AND state <> 'delivered' AND state = 'pending' "
        "AND next_attempt_at < ?4")
      .bind_all(head.channel, head.ordering_key, head.seq, until)
      .run();
}

// The pending items behind `item` that wait beyond max(created_at, at) are due from then again,
// except those still behind a dead item of the key (they keep no next attempt).
void release_followers(connection& db, const key_place& item, std::int64_t at) {
  db.cached(
        "UPDATE outbox INDEXED BY outbox_open_by_key SET next_attempt_at = max(created_at, ?4) "
        "WHERE channel = ?1 AND ordering_key = ?2 AND seq > ?3 AND state <> 'delivered' AND state = 'pending' "
        "AND next_attempt_at > max(created_at, ?4) "
        "AND NOT EXISTS (SELECT 1 FROM outbox d INDEXED BY outbox_open_by_key WHERE d.channel = outbox.channel "
        "AND d.ordering_key = outbox.ordering_key AND d.state <> 'delivered' AND d.state = 'dead' "
        "AND d.seq < outbox.seq)")
      .bind_all(item.channel, item.ordering_key, item.seq, at)
      .run();
}

}  // namespace

std::string outbox_fetch_due_query() {
  // One destination's eligible items (?1 channel, ?2 destination, ?3 now in ms, ?4 the most to
  // take): pending, due, not leased, and no older undelivered item (pending, leased or dead) of the
  // same (channel, ordering_key): only heads of keys, and none behind a dead one.
  // INDEXED BY: the walk runs along outbox_pending_by_destination in (next_attempt_at, seq) order
  // within the destination and stops after ?4, whatever the backlog (without ANALYZE statistics
  // SQLite may otherwise take outbox_by_state and sort every pending row).
  return "SELECT o.seq, o.next_attempt_at FROM outbox o INDEXED BY outbox_pending_by_destination "
         "WHERE o.channel = ?1 AND o.destination = ?2 AND o.state = 'pending' AND o.next_attempt_at <= ?3 "
         "AND (o.leased_until IS NULL OR o.leased_until <= ?3) "
         "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.channel = o.channel "
         "AND p.ordering_key = o.ordering_key AND p.state <> 'delivered' AND p.seq < o.seq) "
         "ORDER BY o.next_attempt_at, o.seq LIMIT ?4";
}

core::outbox_entries_outcome outbox_fetch_due(connection& db, outbox_clock::time_point now, std::size_t limit,
                                              milliseconds lease, const core::outbox_fetch_scope& scope) {
  std::unordered_map<std::string, std::size_t> shares;
  for (const auto& d : scope.shares) shares[d.channel + '\n' + d.destination] = d.most;
  const std::size_t share = scope.per_destination == 0 ? limit : std::min(limit, scope.per_destination);
  // Each destination with pending items, found by skipping along the index (one seek per
  // destination), gives its share of its oldest eligible items; the `limit` oldest of those are
  // leased.
  auto& first = db.cached(
      "SELECT channel, destination FROM outbox INDEXED BY outbox_pending_by_destination "
      "WHERE state = 'pending' ORDER BY channel, destination LIMIT 1");
  // The next destination: a later one of the same channel, else the first of a later channel. Not
  // `(channel, destination) > (?1, ?2)`: SQLite (3.40) seeks that row value on the channel alone
  // and then reads every index entry of the destination it means to skip, so each fetch read every
  // pending item, and a referrer that is down (its backlog growing) slowed every fetch (issue 16).
  auto& next = db.cached(
      "SELECT channel, destination FROM (SELECT channel, destination FROM outbox "
      "INDEXED BY outbox_pending_by_destination WHERE state = 'pending' AND channel = ?1 AND destination > ?2 "
      "ORDER BY channel, destination LIMIT 1) "
      "UNION ALL SELECT channel, destination FROM (SELECT channel, destination FROM outbox "
      "INDEXED BY outbox_pending_by_destination WHERE state = 'pending' AND channel > ?1 "
      "ORDER BY channel, destination LIMIT 1) LIMIT 1");
  auto& heads = db.cached(outbox_fetch_due_query());
  const std::int64_t now_ms = to_ms(now);
  std::vector<std::pair<std::int64_t, std::int64_t>> candidates;  // (next_attempt_at, seq)
  std::string channel;
  std::string destination;
  statement* at = &first;
  for (bool found = first.step(); found; found = next.bind_all(channel, destination).step()) {
    channel = at->text(0);
    destination = at->text(1);
    at->reset();
    at = &next;
    const auto own = shares.find(channel + '\n' + destination);
    const std::size_t most = own == shares.end() ? share : std::min(limit, own->second);
    if (most == 0) continue;
    heads.bind_all(channel, destination, now_ms, static_cast<std::int64_t>(most));
    while (heads.step()) candidates.emplace_back(heads.int64(1), heads.int64(0));
    heads.reset();
  }
  first.reset();  // a statement that ran to its end may still hold its read until reset
  next.reset();
  const std::size_t take = std::min(limit, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(take), candidates.end());
  candidates.resize(take);

  std::vector<core::outbox_entry> due;
  due.reserve(take);
  const std::int64_t until = to_ms(now + lease);
  auto& row = db.cached(std::string(columns) + "WHERE seq = ?1");
  for (const auto& c : candidates) {
    db.cached("UPDATE outbox SET leased_until = ?1, attempts = attempts + 1 WHERE seq = ?2")
        .bind_all(until, c.second)
        .run();
    if (row.bind_all(c.second).step()) due.push_back(entry_from(row));
    row.reset();
  }
  return due;
}

boost::system::error_code outbox_mark_delivered(connection& db, const std::string& id, outbox_clock::time_point at) {
  // Also from dead: an operator may park an item while its last attempt is still on the wire.
  auto& s = db.cached(
      "UPDATE outbox SET state = 'delivered', delivered_at = ?2, leased_until = NULL WHERE id = ?1 "
      "RETURNING channel, ordering_key, seq, next_attempt_at");
  if (!s.bind_all(id, to_ms(at)).step()) return make_error_code(store_errc::not_found);
  const key_place item = place_from(s);
  const std::int64_t next = s.int64(3);  // not changed here: its value before
  s.reset();
  // A next attempt after the delivery: the item was dead (none), or another attempt's failure was
  // recorded after this one was sent (a lease that ran out); the items behind it held their wait.
  if (next > to_ms(at)) release_followers(db, item, to_ms(at));
  return {};
}

boost::system::error_code outbox_mark_failed(connection& db, const std::string& id, outbox_clock::time_point next,
                                             const std::string& error) {
  auto& s = db.cached(
      "UPDATE outbox SET next_attempt_at = ?2, last_error = ?3, leased_until = NULL "
      "WHERE id = ?1 AND state = 'pending' RETURNING channel, ordering_key, seq");
  if (!s.bind_all(id, to_ms(next), error).step()) return explain_no_change(db, id, store_errc::invalid_request);
  const key_place head = place_from(s);
  s.reset();
  hold_followers(db, head, to_ms(next));
  return {};
}

boost::system::error_code outbox_park_dead(connection& db, const std::string& id, const std::string& error) {
  // The items behind a dead item cannot be delivered until it is requeued (or delivered after
  // all), so they have no next attempt either: out of every fetch's walk, however long it stays.
  const std::int64_t none = to_ms(core::outbox_no_next_attempt);
  auto& s = db.cached(
      "UPDATE outbox SET state = 'dead', next_attempt_at = ?3, last_error = ?2, leased_until = NULL "
      "WHERE id = ?1 AND state <> 'delivered' RETURNING channel, ordering_key, seq");
  if (!s.bind_all(id, error, none).step()) return explain_no_change(db, id, store_errc::invalid_request);
  const key_place item = place_from(s);
  s.reset();
  hold_followers(db, item, none);
  return {};
}

boost::system::error_code outbox_requeue(connection& db, const std::string& id, outbox_clock::time_point at) {
  auto& s = db.cached(
      "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2, leased_until = NULL "
      "WHERE id = ?1 AND state <> 'delivered' RETURNING channel, ordering_key, seq");
  if (!s.bind_all(id, to_ms(at)).step()) return explain_no_change(db, id, store_errc::invalid_request);
  const key_place item = place_from(s);
  s.reset();
  release_followers(db, item, to_ms(at));
  return {};
}

boost::system::result<std::int64_t> outbox_requeue_all_dead(connection& db, outbox_clock::time_point at) {
  db.cached(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?1, leased_until = NULL "
        "WHERE state = 'dead'")
      .bind_all(to_ms(at))
      .run();
  const auto requeued = static_cast<std::int64_t>(db.changes());
  // Every item that waited with no next attempt comes back: no dead item is left before it (this
  // store has one writer). An operator's bulk action: one walk of the pending items.
  db.cached("UPDATE outbox SET next_attempt_at = max(created_at, ?1) WHERE state = 'pending' AND next_attempt_at >= ?2")
      .bind_all(to_ms(at), to_ms(core::outbox_no_next_attempt))
      .run();
  return requeued;
}

boost::system::error_code outbox_release_leases(connection& db) {
  db.cached("UPDATE outbox SET leased_until = NULL WHERE leased_until IS NOT NULL AND state = 'pending'").run();
  return {};
}

core::outbox_entries_outcome outbox_list(connection& db, const core::outbox_list_query& query) {
  std::string sql = std::string(columns) + "WHERE seq > ?1";
  if (query.state) sql += " AND state = ?2";
  if (query.channel) sql += " AND channel = ?3";
  sql += " ORDER BY seq LIMIT ?4";
  auto& s = db.cached(sql);
  s.bind(1, query.after_seq.value_or(0));
  if (query.state) s.bind(2, core::to_string(*query.state));
  if (query.channel) s.bind(3, *query.channel);
  s.bind(4, static_cast<std::int64_t>(query.count));
  std::vector<core::outbox_entry> out;
  while (s.step()) out.push_back(entry_from(s));
  return out;
}

core::outbox_entry_outcome outbox_show(connection& db, const std::string& id) {
  auto& s = db.cached(std::string(columns) + "WHERE id = ?1");
  if (!s.bind_all(id).step()) return make_error_code(store_errc::not_found);
  return entry_from(s);
}

core::outbox_stats_outcome outbox_stats(connection& db) {
  core::outbox_stats stats;
  auto& s = db.cached(
      "SELECT state, count(*), min(created_at) FROM outbox "
      "WHERE state IN ('pending', 'dead') GROUP BY state");
  while (s.step()) {
    if (s.text(0) == "dead") {
      stats.dead = s.int64(1);
    } else {
      stats.pending = s.int64(1);
      stats.oldest_pending_created_at = from_ms(s.int64(2));
    }
  }
  return stats;
}

}  // namespace gateway::sqlite
