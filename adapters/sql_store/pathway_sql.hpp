#pragma once
// The SQL of the pathway facts (gateway/core/store_pathway.hpp), shared by the SQLite and
// PostgreSQL stores, which differ only in how a statement names its parameters, and the builder
// that turns the outbox rows into per-destination groups. Pure text and data: no connection.
//
// Parameters: the window statements take ?1 from, ?2 to (store instants), ?3 the row limit
// (max_rows + 1, so the builder sees a cut); feedback takes ?1 from, ?2 to in ms since the epoch;
// waiting_tasks, outbox_errors and dead_items take ?1 the row limit.

#include "adapters/sql_store/search_sql.hpp"
#include "gateway/core/store_pathway.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace gateway::sql_store {

struct pathway_statements {
  std::string referrals;      // id, owner_org, last_updated
  std::string task_versions;  // referral id, last_updated, json
  std::string scores;         // referral id, last_updated, json
  std::string waiting_tasks;  // owner_org, json
  std::string outbox_counts;  // channel, destination, state, count, min(created_at)
  std::string outbox_errors;  // channel, destination, last_error (newest first)
  std::string dead_items;     // channel, destination, id (oldest first)
  std::string feedback;       // destination, state, count
};

const pathway_statements& pathway_sql(placeholder_style style);

// The values the statements bind, from the window.
struct pathway_binds {
  std::string from;  // store instants
  std::string to;
  std::int64_t limit = 0;  // max_rows + 1
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
};
pathway_binds pathway_binds_of(const core::pathway_window& window);

// Collects the rows of the statements above into pathway_facts (each list cut at max_rows).
class pathway_builder {
 public:
  explicit pathway_builder(std::size_t max_rows) : max_rows_(max_rows) {}

  void referral(std::string id, std::string organisation, std::string received);
  void task_version(std::string referral_id, std::string at, std::string json);
  void score(std::string referral_id, std::string at, std::string json);
  void waiting_task(std::string organisation, std::string json);
  void outbox_count(const std::string& channel, const std::string& destination, const std::string& state,
                    std::int64_t count, std::int64_t oldest_created_ms);
  void outbox_error(const std::string& channel, const std::string& destination, std::string error);
  void dead_item(const std::string& channel, const std::string& destination, std::string id);
  void feedback(const std::string& destination, const std::string& state, std::int64_t count);

  core::pathway_facts finish() &&;

 private:
  template <class T>
  void keep(std::vector<T>& list, T row);
  core::pathway_outbox_group& group(const std::string& channel, const std::string& destination);

  std::size_t max_rows_;
  core::pathway_facts facts_;
  std::map<std::pair<std::string, std::string>, core::pathway_outbox_group> outbox_;
  std::map<std::string, core::pathway_feedback_count> feedback_;
};

}  // namespace gateway::sql_store
