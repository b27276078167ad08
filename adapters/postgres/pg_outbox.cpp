#include "adapters/postgres/pg_outbox.hpp"

#include "adapters/sql_store/outbox_columns.hpp"

#include <algorithm>
#include <unordered_map>

namespace gateway::postgres {
namespace {

namespace core = gateway::core;
using core::store_errc;
using sql_store::from_ms;
using sql_store::to_ms;
using std::chrono::milliseconds;

// (fetch_due qualifies the first, seq, which its UPDATE ... FROM also has: column_list + 5.)
constexpr const char* column_list =
    "seq, id, channel, destination, ordering_key, content_type, payload, state, "
    "attempts, created_at, next_attempt_at, leased_until, delivered_at, last_error";

std::vector<core::outbox_entry> entries_from(const pg_result& r) {
  std::vector<core::outbox_entry> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    core::outbox_entry e;
    e.seq = r.int64(i, 0);
    e.item = core::outbox_item{r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6)};
    e.state = core::parse_outbox_state(r.text(i, 7)).value_or(core::outbox_state::pending);
    e.attempts = static_cast<int>(r.int64(i, 8));
    e.created_at = from_ms(r.int64(i, 9));
    e.next_attempt_at = from_ms(r.int64(i, 10));
    if (!r.is_null(i, 11)) e.leased_until = from_ms(r.int64(i, 11));
    if (!r.is_null(i, 12)) e.delivered_at = from_ms(r.int64(i, 12));
    e.last_error = r.text(i, 13);
    out.push_back(std::move(e));
  }
  return out;
}

// After an UPDATE that matched nothing: not_found if the id is unknown, else `otherwise`.
boost::system::error_code explain_no_change(pg_connection& db, const std::string& id, store_errc otherwise) {
  const auto r = db.run("SELECT 1 FROM outbox WHERE id = $1", pg_params(id));
  return make_error_code(r.rows() > 0 ? otherwise : store_errc::not_found);
}

// Where an item sits on its key: what the statements that move the items behind it need.
struct key_place {
  std::string channel;
  std::string ordering_key;
  std::int64_t seq = 0;
};

key_place place_from(const pg_result& r, int row) {
  return key_place{r.text(row, 0), r.text(row, 1), r.int64(row, 2)};
}

// Each change of an item that moves the items behind it is two statements in one transaction:
// the item's UPDATE takes its row lock and holds it to COMMIT, then the items behind it are moved
// by a statement with a snapshot of its own (READ COMMITTED), taken after that lock was granted.
// So a park and a requeue of the same item (two instances, an operator) run one wholly after the
// other, and the second sees what the first did to the items behind it. In one statement a requeue
// that began before a park committed would not see the items the park had just taken out of the
// due range, and they would stay there behind a pending head: never fetched.

// The pending items behind `head` on its key that are due before `until` are due at `until`
// (never earlier than they were). They cannot go before the head, so this changes no delivery;
// left due, they would sit in outbox_pending_by_destination ahead of the head's retry and every
// fetch would walk and probe each of them again for as long as the head waits (issue 16: one
// referrer down cost every fetch 63.7k buffers instead of ~4k on PostgreSQL 15).
void hold_followers(pg_connection& db, const key_place& head, std::int64_t until) {
  db.run(
      "UPDATE outbox SET next_attempt_at = $4 "
      "WHERE channel = $1 AND ordering_key = $2 AND seq > $3 AND state <> 'delivered' AND state = 'pending' "
      "AND next_attempt_at < $4",
      pg_params(head.channel, head.ordering_key, head.seq, until));
}

// The pending items behind `item` that wait beyond max(created_at, at) are due from then again,
// except those still behind a dead item of the key (they keep no next attempt).
void release_followers(pg_connection& db, const key_place& item, std::int64_t at) {
  db.run(
      "UPDATE outbox f SET next_attempt_at = greatest(f.created_at, $4) "
      "WHERE f.channel = $1 AND f.ordering_key = $2 AND f.seq > $3 AND f.state <> 'delivered' "
      "AND f.state = 'pending' AND f.next_attempt_at > greatest(f.created_at, $4) "
      "AND NOT EXISTS (SELECT 1 FROM outbox d WHERE d.channel = f.channel AND d.ordering_key = f.ordering_key "
      "AND d.state <> 'delivered' AND d.state = 'dead' AND d.seq < f.seq)",
      pg_params(item.channel, item.ordering_key, item.seq, at));
}

// Runs `body` in its own transaction (the store's single calls; record_results has its own).
template <class Body>
auto in_transaction(pg_connection& db, Body body) {
  db.exec("BEGIN");
  auto r = body();
  db.exec("COMMIT");  // a failure throws; the outbox worker rolls back
  return r;
}

std::vector<boost::system::error_code> mark_delivered_in(pg_connection& db, const std::vector<std::string>& ids,
                                                         outbox_clock::time_point at) {
  // Also from dead: an operator may park an item while its last attempt is still on the wire.
  pg_params p;
  p.add_array(ids).add(to_ms(at));
  const auto r = db.run(
      "UPDATE outbox SET state = 'delivered', delivered_at = $2, leased_until = NULL, lease_owner = NULL "
      "WHERE id = ANY($1::text[]) RETURNING channel, ordering_key, seq, next_attempt_at, id",
      p);
  std::unordered_map<std::string, bool> changed;
  for (int i = 0; i < r.rows(); ++i) {
    changed[r.text(i, 4)] = true;
    // A next attempt after the delivery (not changed here: its value before): the item was dead
    // (none), or another attempt's failure was recorded after this one was sent (a lease that ran
    // out); the items behind it held their wait.
    if (r.int64(i, 3) > to_ms(at)) release_followers(db, place_from(r, i), to_ms(at));
  }
  std::vector<boost::system::error_code> out;
  for (const auto& id : ids)
    out.push_back(changed.count(id) ? boost::system::error_code() : make_error_code(store_errc::not_found));
  return out;
}

boost::system::error_code mark_failed_in(pg_connection& db, const std::string& id, outbox_clock::time_point next,
                                         const std::string& error) {
  const auto r = db.run(
      "UPDATE outbox SET next_attempt_at = $2, last_error = $3, leased_until = NULL, lease_owner = NULL "
      "WHERE id = $1 AND state = 'pending' RETURNING channel, ordering_key, seq",
      pg_params(id, to_ms(next), error));
  if (r.rows() == 0) return explain_no_change(db, id, store_errc::invalid_request);
  hold_followers(db, place_from(r, 0), to_ms(next));
  return {};
}

boost::system::error_code park_dead_in(pg_connection& db, const std::string& id, const std::string& error) {
  // The items behind a dead item cannot be delivered until it is requeued (or delivered after
  // all), so they have no next attempt either: out of every fetch's walk, however long it stays.
  const std::int64_t none = to_ms(core::outbox_no_next_attempt);
  const auto r = db.run(
      "UPDATE outbox SET state = 'dead', next_attempt_at = $3, last_error = $2, leased_until = NULL, "
      "lease_owner = NULL WHERE id = $1 AND state <> 'delivered' RETURNING channel, ordering_key, seq",
      pg_params(id, error, none));
  if (r.rows() == 0) return explain_no_change(db, id, store_errc::invalid_request);
  hold_followers(db, place_from(r, 0), none);
  return {};
}

}  // namespace

core::outbox_entries_outcome outbox_fetch_due(pg_connection& db, const std::string& instance,
                                              outbox_clock::time_point now, std::size_t limit, milliseconds lease,
                                              const core::outbox_fetch_scope& scope) {
  // dests: each (channel, destination) with pending items, found by a recursive skip along
  // outbox_pending_by_destination (one index seek each), with its share: scope.shares ($6-$8),
  // else scope.per_destination ($5).
  // candidates: each destination's oldest eligible items, at most its share: pending, due, not
  // leased (or the lease ran out), and no older undelivered item (pending, leased or dead) of the
  // same (channel, ordering_key); of all of them the $2 oldest by (next_attempt_at, seq).
  // due: those rows locked; rows another instance is leasing right now are skipped, not waited
  // for, and a row another instance leased since this statement's snapshot is left out (the lease
  // is checked again after the lock).
  const std::size_t share = scope.per_destination == 0 ? limit : std::min(limit, scope.per_destination);
  std::vector<std::string> channels;
  std::vector<std::string> destinations;
  std::vector<std::string> most;
  for (const auto& d : scope.shares) {
    channels.push_back(d.channel);
    destinations.push_back(d.destination);
    most.push_back(std::to_string(std::min(limit, d.most)));
  }
  pg_params p(to_ms(now), static_cast<std::int64_t>(limit), to_ms(now + lease), instance,
              static_cast<std::int64_t>(share));
  p.add_array(channels).add_array(destinations).add_array(most);
  const auto r = db.run(std::string(R"sql(
WITH RECURSIVE dests AS (
  (SELECT channel, destination FROM outbox WHERE state = 'pending' ORDER BY channel, destination LIMIT 1)
  UNION ALL
  SELECT n.channel, n.destination FROM dests d CROSS JOIN LATERAL (
    SELECT o.channel, o.destination FROM outbox o
    WHERE o.state = 'pending' AND (o.channel, o.destination) > (d.channel, d.destination)
    ORDER BY o.channel, o.destination LIMIT 1) n),
shares AS (
  SELECT d.channel, d.destination,
         coalesce((SELECT s.most FROM unnest($6::text[], $7::text[], $8::bigint[]) AS s(channel, destination, most)
                   WHERE s.channel = d.channel AND s.destination = d.destination LIMIT 1), $5) AS most
  FROM dests d),
candidates AS (
  SELECT c.seq FROM shares d CROSS JOIN LATERAL (
    SELECT o.seq, o.next_attempt_at FROM outbox o
    WHERE o.channel = d.channel AND o.destination = d.destination AND o.state = 'pending'
      AND o.next_attempt_at <= $1 AND (o.leased_until IS NULL OR o.leased_until <= $1)
      AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.channel = o.channel AND p.ordering_key = o.ordering_key
                      AND p.state <> 'delivered' AND p.seq < o.seq)
    ORDER BY o.next_attempt_at, o.seq LIMIT d.most) c
  WHERE d.most > 0
  ORDER BY c.next_attempt_at, c.seq LIMIT $2),
due AS (
  SELECT o.seq FROM outbox o
  WHERE o.seq IN (SELECT seq FROM candidates) AND o.state = 'pending'
    AND (o.leased_until IS NULL OR o.leased_until <= $1)
  FOR UPDATE OF o SKIP LOCKED)
UPDATE outbox SET leased_until = $3, lease_owner = $4, attempts = outbox.attempts + 1
FROM due WHERE outbox.seq = due.seq
RETURNING outbox.seq, )sql") +
                            (column_list + 5),
                        p);
  auto due = entries_from(r);
  std::sort(due.begin(), due.end(), [](const core::outbox_entry& a, const core::outbox_entry& b) {
    return std::make_pair(a.next_attempt_at, a.seq) < std::make_pair(b.next_attempt_at, b.seq);
  });
  return due;
}

std::vector<boost::system::error_code> outbox_mark_delivered(pg_connection& db, const std::vector<std::string>& ids,
                                                             outbox_clock::time_point at) {
  return in_transaction(db, [&] { return mark_delivered_in(db, ids, at); });
}

std::vector<boost::system::error_code> outbox_record_results(pg_connection& db,
                                                             const std::vector<core::outbox_result>& results) {
  std::vector<boost::system::error_code> out(results.size());
  std::vector<std::string> delivered;
  std::vector<std::size_t> delivered_at_index;
  outbox_clock::time_point delivered_at{};
  db.exec("BEGIN");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    switch (r.what) {
      case core::outbox_result::kind::delivered:
        delivered.push_back(r.id);
        delivered_at_index.push_back(i);
        delivered_at = std::max(delivered_at, r.at);
        break;
      case core::outbox_result::kind::failed:
        out[i] = mark_failed_in(db, r.id, r.at, r.error);
        break;
      case core::outbox_result::kind::dead:
        out[i] = park_dead_in(db, r.id, r.error);
        break;
    }
  }
  if (!delivered.empty()) {
    const auto marked = mark_delivered_in(db, delivered, delivered_at);
    for (std::size_t k = 0; k < marked.size(); ++k) out[delivered_at_index[k]] = marked[k];
  }
  db.exec("COMMIT");
  return out;
}

boost::system::error_code outbox_mark_failed(pg_connection& db, const std::string& id, outbox_clock::time_point next,
                                             const std::string& error) {
  return in_transaction(db, [&] { return mark_failed_in(db, id, next, error); });
}

boost::system::error_code outbox_park_dead(pg_connection& db, const std::string& id, const std::string& error) {
  return in_transaction(db, [&] { return park_dead_in(db, id, error); });
}

boost::system::error_code outbox_requeue(pg_connection& db, const std::string& id, outbox_clock::time_point at) {
  return in_transaction(db, [&]() -> boost::system::error_code {
    const auto r = db.run(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $2, leased_until = NULL, "
        "lease_owner = NULL WHERE id = $1 AND state <> 'delivered' RETURNING channel, ordering_key, seq",
        pg_params(id, to_ms(at)));
    if (r.rows() == 0) return explain_no_change(db, id, store_errc::invalid_request);
    release_followers(db, place_from(r, 0), to_ms(at));
    return {};
  });
}

boost::system::result<std::int64_t> outbox_requeue_all_dead(pg_connection& db, outbox_clock::time_point at) {
  return in_transaction(db, [&] {
    const auto r = db.run(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, leased_until = NULL, "
        "lease_owner = NULL WHERE state = 'dead'",
        pg_params(to_ms(at)));
    // Every item that waited with no next attempt comes back, unless a dead item is still before
    // it (one another instance parked meanwhile). An operator's bulk action: one walk of the
    // pending items.
    db.run(
        "UPDATE outbox f SET next_attempt_at = greatest(f.created_at, $1) "
        "WHERE f.state = 'pending' AND f.next_attempt_at >= $2 "
        "AND NOT EXISTS (SELECT 1 FROM outbox d WHERE d.channel = f.channel AND d.ordering_key = f.ordering_key "
        "AND d.state <> 'delivered' AND d.state = 'dead' AND d.seq < f.seq)",
        pg_params(to_ms(at), to_ms(core::outbox_no_next_attempt)));
    return boost::system::result<std::int64_t>(r.affected());
  });
}

boost::system::error_code outbox_release_leases(pg_connection& db, const std::string& instance) {
  db.run(
      "UPDATE outbox SET leased_until = NULL, lease_owner = NULL "
      "WHERE leased_until IS NOT NULL AND state = 'pending' AND lease_owner = $1",
      pg_params(instance));
  return {};
}

core::outbox_entries_outcome outbox_list(pg_connection& db, const core::outbox_list_query& query) {
  std::string sql = std::string("SELECT ") + column_list + " FROM outbox WHERE seq > $1";
  pg_params p(query.after_seq.value_or(0));
  if (query.state) {
    p.add(core::to_string(*query.state));
    sql += " AND state = $" + std::to_string(p.size());
  }
  if (query.channel) {
    p.add(*query.channel);
    sql += " AND channel = $" + std::to_string(p.size());
  }
  p.add(static_cast<std::int64_t>(query.count));
  sql += " ORDER BY seq LIMIT $" + std::to_string(p.size());
  return entries_from(db.run(sql, p));
}

core::outbox_entry_outcome outbox_show(pg_connection& db, const std::string& id) {
  auto entries =
      entries_from(db.run(std::string("SELECT ") + column_list + " FROM outbox WHERE id = $1", pg_params(id)));
  if (entries.empty()) return make_error_code(store_errc::not_found);
  return std::move(entries.front());
}

core::outbox_stats_outcome outbox_stats(pg_connection& db) {
  core::outbox_stats stats;
  const auto r =
      db.run("SELECT state, count(*), min(created_at) FROM outbox WHERE state IN ('pending', 'dead') GROUP BY state");
  for (int i = 0; i < r.rows(); ++i) {
    if (r.text(i, 0) == "dead") {
      stats.dead = r.int64(i, 1);
    } else {
      stats.pending = r.int64(i, 1);
      stats.oldest_pending_created_at = from_ms(r.int64(i, 2));
    }
  }
  return stats;
}

}  // namespace gateway::postgres
