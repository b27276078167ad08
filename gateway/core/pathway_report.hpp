#pragma once
// The operations page's figures (issue 15), computed from the store's pathway facts
// (store_pathway.hpp): aggregates only, as tables that the JSON endpoints, the CSV export and the
// page all show as they are (one source for every view). No table carries a patient identifier:
// organisation codes, resource ids of Tasks and outbox items, counts, times and codes only.
//
// Definitions (README, "Operations page", says the same to users):
// - A referral's week is the ISO week (Monday 00:00 UTC) in which it was first stored.
// - Triaged: the first Task version whose status is past requested/received, or whose business
//   status is no longer awaiting-triage. First contact: the first Task version with business
//   status first-contact-made. Waits are from the referral's first storage to that version.
// - Median and 90th percentile by the nearest-rank method, in hours.
// - Not yet accepted: Tasks in requested or received that are urgent (or higher) or carry a risk
//   flag, oldest wait first; the wait counts from core::waiting_since, and the service level
//   (triage.urgent_accept) applies to urgent ones.
// - Outcome rates per referring organisation, from the outcome summary of each referral's PHQ-9
//   and GAD-7 totals (outcome_summary.hpp): recovery among referrals that were a case at the start
//   and have a known end; reliable improvement and deterioration among those where it is known.
//
// Thread safety: pure functions.

#include "gateway/core/store_pathway.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace gateway::core {

// Empty (no value: JSON null, CSV empty field), text, a count, or a measure.
using report_cell = std::variant<std::monostate, std::string, std::int64_t, double>;

struct report_table {
  std::string name;  // the table's name in the API: /ops/pathway/{name}
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<report_cell>> rows;
};

struct pathway_settings {
  std::chrono::system_clock::time_point from;
  std::chrono::system_clock::time_point to;
  std::chrono::system_clock::time_point now;
  std::chrono::milliseconds urgent_accept{0};  // 0: no service level
};

struct pathway_report {
  std::vector<report_table> tables;  // in the order of pathway_table_names
  bool truncated = false;            // the store cut a list at its row limit: figures are partial
};

// The tables' names, in the page's order.
inline constexpr const char* pathway_table_names[] = {
    "referrals_per_week", "waiting_times", "not_yet_accepted", "task_status", "outbox", "feedback", "outcomes"};

pathway_report summarise_pathway(const pathway_facts& facts, const pathway_settings& settings);

// The Monday 00:00 UTC that starts t's ISO week.
std::chrono::sys_days week_start(std::chrono::system_clock::time_point t);

// Nearest-rank percentile (0 < p <= 100) of unsorted values; nullopt when empty.
std::optional<double> nearest_rank(std::vector<double> values, double p);

// The outcome-rates table (pathway_outcome_rates.cpp).
report_table outcome_rates_table(const pathway_facts& facts);

}  // namespace gateway::core
