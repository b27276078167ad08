#pragma once
// Outbox statements on PostgreSQL. State changes run on the outbox worker's connection, each in
// its own transaction (durable before answered: synchronous_commit=on); listing runs on a reader.
// Times are ms since the epoch. A change of a key's item that moves the items behind it (fail,
// park, requeue, deliver a dead item) locks the item first and moves them in a second statement:
// see pg_outbox.cpp.
//
// Several instances share the table. fetch_due leases with FOR UPDATE SKIP LOCKED, so two
// instances fetching at once never lease the same item, and records the leasing instance
// (lease_owner); only the head of a (channel, ordering_key) — no older undelivered item — is
// leasable, so a key's next item waits until its head is delivered, whoever delivered it.

#include "adapters/postgres/pg_connection.hpp"
#include "gateway/core/store_outbox.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace gateway::postgres {

using outbox_clock = std::chrono::system_clock;

gateway::core::outbox_entries_outcome outbox_fetch_due(pg_connection& db, const std::string& instance,
                                                       outbox_clock::time_point now, std::size_t limit,
                                                       std::chrono::milliseconds lease,
                                                       const gateway::core::outbox_fetch_scope& scope);
std::vector<boost::system::error_code> outbox_mark_delivered(pg_connection& db, const std::vector<std::string>& ids,
                                                             outbox_clock::time_point at);
// Several results in one transaction (one commit): the delivered ones in one UPDATE, the others
// one by one. One error per result, in order.
std::vector<boost::system::error_code> outbox_record_results(pg_connection& db,
                                                             const std::vector<core::outbox_result>& results);
boost::system::error_code outbox_mark_failed(pg_connection& db, const std::string& id, outbox_clock::time_point next,
                                             const std::string& error);
boost::system::error_code outbox_park_dead(pg_connection& db, const std::string& id, const std::string& error);
boost::system::error_code outbox_requeue(pg_connection& db, const std::string& id, outbox_clock::time_point at);
boost::system::result<std::int64_t> outbox_requeue_all_dead(pg_connection& db, outbox_clock::time_point at);
// Releases the leases `instance` holds (taken by its previous run); other instances' are kept.
boost::system::error_code outbox_release_leases(pg_connection& db, const std::string& instance);

gateway::core::outbox_entries_outcome outbox_list(pg_connection& db, const gateway::core::outbox_list_query& query);
gateway::core::outbox_entry_outcome outbox_show(pg_connection& db, const std::string& id);
gateway::core::outbox_stats_outcome outbox_stats(pg_connection& db);

}  // namespace gateway::postgres
