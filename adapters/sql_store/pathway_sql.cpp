#include "adapters/sql_store/pathway_sql.hpp"

#include <algorithm>
#include <chrono>

#include "gateway/core/store_time.hpp"

namespace gateway::sql_store {
namespace {

namespace core = gateway::core;

// The ServiceRequests first stored in the window: version 1, found by the partial index on
// (type, last_updated) WHERE type = 'ServiceRequest' AND version = 1 that both schemas keep for this
// query (SQLite's planner takes it only with type as its first column).
constexpr const char* first_versions =
    "sr.type = 'ServiceRequest' AND sr.version = 1 "
    "AND sr.last_updated >= ?1 AND sr.last_updated < ?2";

pathway_statements written_with_question_marks() {
  const std::string window(first_versions);
  pathway_statements s;
  s.referrals = "SELECT sr.id, sr.owner_org, sr.last_updated FROM resource_history sr WHERE " + window +
                " ORDER BY sr.seq LIMIT ?3";
  // Every Task of the referral (found by its based-on index row), every version of it.
  s.task_versions =
      "SELECT sr.id, h.last_updated, h.json FROM resource_history sr "
      "JOIN search_keys k ON k.type = 'Task' AND k.param = 'based-on' AND k.value = 'ServiceRequest/' || sr.id "
      "JOIN resources t ON t.rkey = k.rkey "
      "JOIN resource_history h ON h.type = 'Task' AND h.id = t.id "
      "WHERE " +
      window + " ORDER BY h.seq LIMIT ?3";
  s.scores =
      "SELECT sr.id, h.last_updated, h.json FROM resource_history sr "
      "JOIN search_keys k ON k.type = 'Observation' AND k.param = 'based-on' "
      "AND k.value = 'ServiceRequest/' || sr.id "
      "JOIN resources o ON o.rkey = k.rkey AND o.deleted = 0 "
      "JOIN resource_history h ON h.seq = o.seq "
      "WHERE " +
      window + " ORDER BY h.seq LIMIT ?3";
  s.waiting_tasks =
      "SELECT t.owner_org, h.json FROM search_keys k "
      "JOIN resources t ON t.rkey = k.rkey AND t.deleted = 0 "
      "JOIN resource_history h ON h.seq = t.seq "
      "WHERE k.type = 'Task' AND k.param = 'status' AND k.value IN ('requested', 'received') "
      "ORDER BY t.rkey LIMIT ?1";
  s.outbox_counts =
      "SELECT channel, destination, state, count(*), min(created_at) FROM outbox "
      "WHERE state IN ('pending', 'dead') GROUP BY channel, destination, state ORDER BY channel, destination, state";
  s.outbox_errors =
      "SELECT channel, destination, last_error FROM outbox WHERE state IN ('pending', 'dead') "
      "AND last_error <> '' ORDER BY seq DESC LIMIT ?1";
  s.dead_items = "SELECT channel, destination, id FROM outbox WHERE state = 'dead' ORDER BY seq LIMIT ?1";
  s.feedback =
      "SELECT destination, state, count(*) FROM outbox WHERE channel = 'feedback' "
      "AND created_at >= ?1 AND created_at < ?2 GROUP BY destination, state ORDER BY destination, state";
  return s;
}

std::string to_dollars(std::string sql) {
  std::replace(sql.begin(), sql.end(), '?', '$');  // no statement above has a '?' of its own
  return sql;
}

}  // namespace

const pathway_statements& pathway_sql(placeholder_style style) {
  static const pathway_statements question = written_with_question_marks();
  static const pathway_statements dollar = [] {
    pathway_statements s = written_with_question_marks();
    for (std::string* sql : {&s.referrals, &s.task_versions, &s.scores, &s.waiting_tasks, &s.outbox_counts,
                             &s.outbox_errors, &s.dead_items, &s.feedback})
      *sql = to_dollars(std::move(*sql));
    return s;
  }();
  return style == placeholder_style::question ? question : dollar;
}

pathway_binds pathway_binds_of(const core::pathway_window& window) {
  const auto ms = [](std::chrono::system_clock::time_point t) {
    return static_cast<std::int64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
  };
  return {core::format_store_instant(window.from), core::format_store_instant(window.to),
          static_cast<std::int64_t>(window.max_rows) + 1, ms(window.from), ms(window.to)};
}

template <class T>
void pathway_builder::keep(std::vector<T>& list, T row) {
  if (list.size() >= max_rows_) {
    facts_.truncated = true;
    return;
  }
  list.push_back(std::move(row));
}

void pathway_builder::referral(std::string id, std::string organisation, std::string received) {
  keep(facts_.referrals, core::pathway_referral{std::move(id), std::move(organisation), std::move(received)});
}

void pathway_builder::task_version(std::string referral_id, std::string at, std::string json) {
  keep(facts_.task_versions, core::pathway_resource{std::move(referral_id), std::move(at), std::move(json)});
}

void pathway_builder::score(std::string referral_id, std::string at, std::string json) {
  keep(facts_.scores, core::pathway_resource{std::move(referral_id), std::move(at), std::move(json)});
}

void pathway_builder::waiting_task(std::string organisation, std::string json) {
  keep(facts_.waiting_tasks, core::pathway_waiting_task{std::move(organisation), std::move(json)});
}

core::pathway_outbox_group& pathway_builder::group(const std::string& channel, const std::string& destination) {
  auto& g = outbox_[{channel, destination}];
  g.channel = channel;
  g.destination = destination;
  return g;
}

void pathway_builder::outbox_count(const std::string& channel, const std::string& destination, const std::string& state,
                                   std::int64_t count, std::int64_t oldest_created_ms) {
  auto& g = group(channel, destination);
  if (state == "dead") {
    g.dead = count;
  } else {
    g.pending = count;
    g.oldest_pending_created_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(oldest_created_ms));
  }
}

void pathway_builder::outbox_error(const std::string& channel, const std::string& destination, std::string error) {
  auto found = outbox_.find({channel, destination});
  if (found != outbox_.end() && found->second.last_error.empty()) found->second.last_error = std::move(error);
}

void pathway_builder::dead_item(const std::string& channel, const std::string& destination, std::string id) {
  auto found = outbox_.find({channel, destination});
  if (found != outbox_.end()) keep(found->second.dead_ids, std::move(id));
}

void pathway_builder::feedback(const std::string& destination, const std::string& state, std::int64_t count) {
  auto& f = feedback_[destination];
  f.destination = destination;
  if (state == "delivered")
    f.delivered = count;
  else if (state == "dead")
    f.dead = count;
  else
    f.pending = count;
}

core::pathway_facts pathway_builder::finish() && {
  for (auto& [key, g] : outbox_) facts_.outbox.push_back(std::move(g));
  for (auto& [key, f] : feedback_) facts_.feedback.push_back(std::move(f));
  return std::move(facts_);
}

}  // namespace gateway::sql_store
