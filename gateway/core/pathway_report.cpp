#include "gateway/core/pathway_report.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/request_priority.hpp"
#include "gateway/core/service_level.hpp"
#include "gateway/core/triage_escalation.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace gateway::core {
namespace {

using clock = std::chrono::system_clock;

std::string day_text(std::chrono::sys_days d) {
  return format_date(std::chrono::year_month_day{d});
}

double hours(clock::duration d) {
  return std::round(std::chrono::duration<double, std::ratio<3600>>(d).count() * 100.0) / 100.0;
}

report_cell measure(const std::optional<double>& v) {
  return v ? report_cell(*v) : report_cell();
}

std::string business_status_of(const rapidjson::Value& task) {
  if (const auto* bs = fhir::json::object_member(task, "businessStatus"))
    for (const auto& c : fhir::json::each(*bs, "coding"))
      if (fhir::json::string_member(c, "system") == systems::business_status)
        return std::string(fhir::json::string_member(c, "code"));
  return {};
}

bool is_waiting(std::string_view status) {
  return std::find(std::begin(waiting_task_statuses), std::end(waiting_task_statuses), status) !=
         std::end(waiting_task_statuses);
}

// What one referral's Task versions say about its waits.
struct referral_progress {
  std::optional<clock::time_point> received;
  std::optional<clock::time_point> triaged;
  std::optional<clock::time_point> contacted;
  std::string status;  // of the latest version
};

std::map<std::string, referral_progress> progress_of(const pathway_facts& facts) {
  std::map<std::string, referral_progress> out;
  for (const auto& r : facts.referrals)
    if (const auto at = parse_fhir_date_time(r.received)) out[r.id].received = *at;
  for (const auto& v : facts.task_versions) {
    auto found = out.find(v.referral_id);
    if (found == out.end()) continue;
    rapidjson::Document task;
    if (task.Parse(v.json.data(), v.json.size()).HasParseError() || !task.IsObject()) continue;
    const auto at = parse_fhir_date_time(v.at);
    if (!at) continue;
    referral_progress& p = found->second;
    const std::string status(fhir::json::string_member(task, "status"));
    const std::string business = business_status_of(task);
    if (!p.triaged && (!is_waiting(status) || (!business.empty() && business != "awaiting-triage"))) p.triaged = *at;
    if (!p.contacted && business == "first-contact-made") p.contacted = *at;
    p.status = status;
  }
  return out;
}

report_table referrals_per_week(const pathway_facts& facts) {
  report_table t{"referrals_per_week",
                 "Referrals received per week, by referring organisation",
                 {"week_start", "organisation", "referrals"},
                 {}};
  std::map<std::pair<std::chrono::sys_days, std::string>, std::int64_t> counts;
  for (const auto& r : facts.referrals)
    if (const auto at = parse_fhir_date_time(r.received)) ++counts[{week_start(*at), r.organisation}];
  for (const auto& [key, n] : counts) t.rows.push_back({day_text(key.first), key.second, n});
  return t;
}

report_table waiting_times(const std::map<std::string, referral_progress>& progress) {
  report_table t{"waiting_times",
                 "Waiting time from referral to triage and to first contact (hours), by week received",
                 {"week_start", "referrals", "triaged", "triage_median_hours", "triage_p90_hours", "contacted",
                  "contact_median_hours", "contact_p90_hours"},
                 {}};
  struct week {
    std::int64_t referrals = 0;
    std::vector<double> triage;
    std::vector<double> contact;
  };
  std::map<std::chrono::sys_days, week> weeks;
  for (const auto& [id, p] : progress) {
    if (!p.received) continue;
    week& w = weeks[week_start(*p.received)];
    ++w.referrals;
    if (p.triaged) w.triage.push_back(hours(*p.triaged - *p.received));
    if (p.contacted) w.contact.push_back(hours(*p.contacted - *p.received));
  }
  for (const auto& [start, w] : weeks) {
    t.rows.push_back({day_text(start), w.referrals, static_cast<std::int64_t>(w.triage.size()),
                      measure(nearest_rank(w.triage, 50)), measure(nearest_rank(w.triage, 90)),
                      static_cast<std::int64_t>(w.contact.size()), measure(nearest_rank(w.contact, 50)),
                      measure(nearest_rank(w.contact, 90))});
  }
  return t;
}

report_table not_yet_accepted(const pathway_facts& facts, const pathway_settings& settings) {
  report_table t{"not_yet_accepted",
                 "Risk-flagged and urgent referrals not yet accepted, oldest first",
                 {"task", "organisation", "priority", "flags", "status", "waiting_since", "age_hours",
                  "service_level_hours", "overdue"},
                 {}};
  struct row {
    clock::time_point since;
    std::vector<report_cell> cells;
  };
  std::vector<row> rows;
  for (const auto& w : facts.waiting_tasks) {
    rapidjson::Document task;
    if (task.Parse(w.json.data(), w.json.size()).HasParseError() || !task.IsObject()) continue;
    const triage_result triage = triage_on_task(task);
    const bool urgent = triage.priority >= request_priority::urgent;
    if (!urgent && triage.flags.empty()) continue;
    const auto since = waiting_since(task);
    std::string flags;
    for (const auto& f : triage.flags) flags += (flags.empty() ? "" : " ") + f;
    const bool has_level = urgent && settings.urgent_accept > std::chrono::milliseconds::zero();
    report_cell overdue;
    if (has_level && since) overdue = std::string(settings.now - *since >= settings.urgent_accept ? "yes" : "no");
    rows.push_back(
        {since ? clock::time_point(*since) : settings.now,
         {std::string(fhir::json::string_member(task, "id")), w.organisation, std::string(to_string(triage.priority)),
          flags, std::string(fhir::json::string_member(task, "status")),
          since ? report_cell(format_instant(*since)) : report_cell(),
          since ? report_cell(hours(settings.now - *since)) : report_cell(),
          has_level ? report_cell(hours(settings.urgent_accept)) : report_cell(), overdue}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const row& a, const row& b) { return a.since < b.since; });
  for (auto& r : rows) t.rows.push_back(std::move(r.cells));
  return t;
}

report_table task_status_counts(const std::map<std::string, referral_progress>& progress) {
  report_table t{"task_status", "Task status of the referrals received", {"status", "tasks"}, {}};
  static constexpr const char* order[] = {"requested", "received",  "accepted",  "in-progress",
                                          "on-hold",   "completed", "cancelled", "rejected",
                                          "failed",    "ready",     "draft",     "entered-in-error"};
  std::map<std::string, std::int64_t> counts;
  for (const auto& [id, p] : progress)
    if (!p.status.empty()) ++counts[p.status];
  for (const char* s : order) {
    if (auto found = counts.find(s); found != counts.end()) {
      t.rows.push_back({found->first, found->second});
      counts.erase(found);
    }
  }
  for (const auto& [status, n] : counts) t.rows.push_back({status, n});
  return t;
}

report_table outbox(const pathway_facts& facts, const pathway_settings& settings) {
  report_table t{
      "outbox",
      "Outbox by destination: depth, oldest pending age, dead letters and the last error",
      {"channel", "destination", "pending", "oldest_pending_age_seconds", "dead", "last_error", "dead_items"},
      {}};
  for (const auto& g : facts.outbox) {
    report_cell age;
    if (g.oldest_pending_created_at)
      age = static_cast<std::int64_t>(std::max<std::int64_t>(
          0, std::chrono::duration_cast<std::chrono::seconds>(settings.now - *g.oldest_pending_created_at).count()));
    std::string ids;
    for (const auto& id : g.dead_ids) ids += (ids.empty() ? "" : " ") + id;
    t.rows.push_back({g.channel, g.destination, g.pending, age, g.dead, g.last_error, ids});
  }
  return t;
}

report_table feedback(const pathway_facts& facts) {
  report_table t{"feedback",
                 "Feedback to referrers: delivered and pending, by referring organisation",
                 {"organisation", "delivered", "pending", "dead"},
                 {}};
  for (const auto& f : facts.feedback) t.rows.push_back({f.destination, f.delivered, f.pending, f.dead});
  return t;
}

}  // namespace

std::chrono::sys_days week_start(std::chrono::system_clock::time_point t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const unsigned iso = std::chrono::weekday{day}.iso_encoding();  // Monday 1 .. Sunday 7
  return day - std::chrono::days{iso - 1};
}

std::optional<double> nearest_rank(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

pathway_report summarise_pathway(const pathway_facts& facts, const pathway_settings& settings) {
  const auto progress = progress_of(facts);
  pathway_report report;
  report.truncated = facts.truncated;
  report.tables.push_back(referrals_per_week(facts));
  report.tables.push_back(waiting_times(progress));
  report.tables.push_back(not_yet_accepted(facts, settings));
  report.tables.push_back(task_status_counts(progress));
  report.tables.push_back(outbox(facts, settings));
  report.tables.push_back(feedback(facts));
  report.tables.push_back(outcome_rates_table(facts));
  return report;
}

}  // namespace gateway::core
