#pragma once
// The read-only side of the storage port that the operations page (issue 15) asks: the facts of
// the referral pathway in a time window, read in one snapshot, from which core::summarise_pathway
// (pathway_report.hpp) computes every panel. Both engines answer with the same SQL
// (adapters/sql_store/pathway_sql.hpp); the contract tests are tests/unit/store/store_pathway_test.cpp,
// on both engines.
//
// Contract of pathway_facts, for the window [from, to):
// - referrals: every ServiceRequest whose first version was stored in the window (its id, its
//   owner organisation and that first version's last_updated), in write order.
// - task_versions: every version (history included) of the Tasks based on those referrals, in
//   write order, with the referral's id.
// - scores: the current, not deleted Observations based on those referrals, with the referral's
//   id (core::scores_from_observations keeps the PHQ-9 / GAD-7 totals among them).
// - waiting_tasks: the current Tasks in status requested or received, whenever made (the "not yet
//   accepted" panel is about now, not about the window), oldest first.
// - outbox: per (channel, destination) with pending or dead items: counts, the oldest pending
//   item's creation time, the newest last_error of a pending or dead item, the dead items' ids.
//   Not limited to the window: it is the outbox now.
// - feedback: per destination, the feedback-channel items created in the window by state
//   (delivered items purged by retention are no longer counted).
// - Each list holds at most `max_rows` rows; `truncated` says one was cut. Every row read is
//   bounded, so a wide window costs a bounded amount of memory.
// No patient identifier is read: resource ids, organisation codes and Task/Observation JSON (the
// Task's `for` is a resource reference) only.
//
// Thread safety: as the rest of the port; the callback runs on a store thread.

#include "gateway/core/store_callback.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gateway::core {

struct pathway_window {
  std::chrono::system_clock::time_point from;
  std::chrono::system_clock::time_point to;
  // Per list. A Task version is ~1.5 KB of JSON, so one read holds at most some 15 MB per list.
  std::size_t max_rows = 10'000;
};

struct pathway_referral {
  std::string id;
  std::string organisation;  // the owner organisation (the referrer's ODS code)
  std::string received;      // store instant of the first version
};

// A stored resource version belonging to a referral (a Task version, a score Observation).
struct pathway_resource {
  std::string referral_id;
  std::string at;  // store instant of this version
  std::string json;
};

struct pathway_waiting_task {
  std::string organisation;
  std::string json;
};

struct pathway_outbox_group {
  std::string channel;
  std::string destination;
  std::int64_t pending = 0;
  std::int64_t dead = 0;
  std::optional<std::chrono::system_clock::time_point> oldest_pending_created_at;
  std::string last_error;             // newest, of a pending or dead item; empty when none
  std::vector<std::string> dead_ids;  // oldest first
};

struct pathway_feedback_count {
  std::string destination;
  std::int64_t delivered = 0;
  std::int64_t pending = 0;
  std::int64_t dead = 0;
};

struct pathway_facts {
  std::vector<pathway_referral> referrals;
  std::vector<pathway_resource> task_versions;
  std::vector<pathway_resource> scores;
  std::vector<pathway_waiting_task> waiting_tasks;
  std::vector<pathway_outbox_group> outbox;      // ordered by channel, destination
  std::vector<pathway_feedback_count> feedback;  // ordered by destination
  bool truncated = false;
};

using pathway_outcome = boost::system::result<pathway_facts>;

class pathway_store {
 public:
  virtual ~pathway_store() = default;
  virtual void pathway_facts(pathway_window window, store_callback<pathway_outcome> done) = 0;
};

}  // namespace gateway::core
