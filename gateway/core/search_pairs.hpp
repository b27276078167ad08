#pragma once
// Paired search keys (search_index.hpp): a row whose value joins a criterion's value and a sort
// key's value, so a search filtering on one value and sorted by that key reads one index range in
// its order. Header-only: the core writes the rows (search_index.cpp), the stores' search SQL
// (adapters/sql_store/search_sql.cpp) reads them, and adapters link no core code.

#include <string_view>

namespace gateway::core {

struct paired_index {
  std::string_view param;      // the index param of the paired rows
  std::string_view criterion;  // the index param filtered on; single-valued per resource
  std::string_view sort;       // the index param sorted by; single-valued per resource
};

inline constexpr char paired_separator = '\x1f';  // never in a FHIR code or string

// Task: "<status>\x1f<priority rank>", the platform's work queue (Task?status=X&_sort=priority).
inline constexpr paired_index task_queue_key{"status+priority-rank", "status", "priority-rank"};

// ServiceRequest and Task: "<owner organisation>\x1f<status>", a referrer's list by status
// (ServiceRequest?status=active): its total is the count of one index range instead of one look-up
// per resource the practice ever stored (search_index_entries takes the owner for it).
struct owner_paired_index {
  std::string_view param;      // the index param of the paired rows
  std::string_view criterion;  // the index param whose value follows the owner; single-valued
};
inline constexpr owner_paired_index owner_status_key{"_owner+status", "status"};

constexpr const owner_paired_index* owner_paired_for(std::string_view type, std::string_view criterion) {
  if ((type == "ServiceRequest" || type == "Task") && criterion == owner_status_key.criterion) return &owner_status_key;
  return nullptr;
}

// The paired key for a search of `type` filtering on `criterion` and sorted by `sort`, if any.
constexpr const paired_index* paired_index_for(std::string_view type, std::string_view criterion,
                                               std::string_view sort) {
  if (type == "Task" && criterion == task_queue_key.criterion && sort == task_queue_key.sort) return &task_queue_key;
  return nullptr;
}

}  // namespace gateway::core
