#pragma once
// Outbox statements. The state changes run as writer jobs (they are part of group commit and
// durable before they are answered); listing runs on a reader connection. Times in the table are
// ms since the epoch.

#include "adapters/sqlite/connection.hpp"
#include "gateway/core/store_outbox.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace gateway::sqlite {

using outbox_clock = std::chrono::system_clock;

// The query outbox_fetch_due runs for each destination's eligible items; for its plan test.
std::string outbox_fetch_due_query();

// Writer side (inside the batch transaction).
gateway::core::outbox_entries_outcome outbox_fetch_due(connection& db, outbox_clock::time_point now, std::size_t limit,
                                                       std::chrono::milliseconds lease,
                                                       const gateway::core::outbox_fetch_scope& scope);
boost::system::error_code outbox_mark_delivered(connection& db, const std::string& id, outbox_clock::time_point at);
boost::system::error_code outbox_mark_failed(connection& db, const std::string& id, outbox_clock::time_point next,
                                             const std::string& error);
boost::system::error_code outbox_park_dead(connection& db, const std::string& id, const std::string& error);
boost::system::error_code outbox_requeue(connection& db, const std::string& id, outbox_clock::time_point at);
boost::system::result<std::int64_t> outbox_requeue_all_dead(connection& db, outbox_clock::time_point at);
boost::system::error_code outbox_release_leases(connection& db);

// Reader side.
gateway::core::outbox_entries_outcome outbox_list(connection& db, const gateway::core::outbox_list_query& query);
gateway::core::outbox_entry_outcome outbox_show(connection& db, const std::string& id);
gateway::core::outbox_stats_outcome outbox_stats(connection& db);

}  // namespace gateway::sqlite
