#include "gateway/core/pathway_report.hpp"

#include <gtest/gtest.h>

#include "gateway/core/fhir_time.hpp"

namespace gateway::core {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;

clock_type::time_point at(const char* text) {
  return clock_type::time_point(*parse_fhir_date_time(text));
}

const report_table& table(const pathway_report& r, const std::string& name) {
  for (const auto& t : r.tables)
    if (t.name == name) return t;
  throw std::runtime_error("no table " + name);
}

std::string task(const char* status, const char* business, const char* priority = "routine", const char* extra = "") {
  return std::string(R"({"resourceType":"Task","id":"t","status":")") + status + R"(","priority":")" + priority +
         R"(","authoredOn":"2026-11-30T08:00:00Z","businessStatus":{"coding":[{"system":"https://referral-gateway.example.org/fhir/CodeSystem/business-status","code":")" +
         business + R"("}]})" + extra + "}";
}

std::string score(const char* loinc, int value, const char* when) {
  return std::string(
             R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")") +
         loinc + R"("}]},"effectiveDateTime":")" + when + R"(","valueInteger":)" + std::to_string(value) + "}";
}

pathway_settings settings() {
  return {at("2026-11-01T00:00:00Z"), at("2026-12-08T00:00:00Z"), at("2026-12-02T12:00:00Z"), 4h};
}

TEST(pathway_report, weeks_start_on_monday_utc) {
  EXPECT_EQ(format_date(std::chrono::year_month_day{week_start(at("2026-12-02T23:59:59Z"))}), "2026-11-30");
  EXPECT_EQ(format_date(std::chrono::year_month_day{week_start(at("2026-11-30T00:00:00Z"))}), "2026-11-30");
  EXPECT_EQ(format_date(std::chrono::year_month_day{week_start(at("2026-11-29T23:59:59Z"))}), "2026-11-23");
}

TEST(pathway_report, nearest_rank_percentiles) {
  EXPECT_FALSE(nearest_rank({}, 50));
  EXPECT_EQ(*nearest_rank({5, 1, 3}, 50), 3);
  EXPECT_EQ(*nearest_rank({1, 2, 3, 4}, 50), 2);
  EXPECT_EQ(*nearest_rank({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90), 9);
  EXPECT_EQ(*nearest_rank({7}, 90), 7);
}

TEST(pathway_report, counts_referrals_per_week_and_organisation) {
  pathway_facts f;
  f.referrals = {{"a", "ORG-A", "2026-11-24T10:00:00.000Z"},
                 {"b", "ORG-A", "2026-11-30T10:00:00.000Z"},
                 {"c", "ORG-B", "2026-12-01T10:00:00.000Z"},
                 {"d", "ORG-A", "2026-12-02T10:00:00.000Z"}};
  const auto t = table(summarise_pathway(f, settings()), "referrals_per_week");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (std::vector<report_cell>{std::string("2026-11-23"), std::string("ORG-A"), std::int64_t{1}}));
  EXPECT_EQ(t.rows[1], (std::vector<report_cell>{std::string("2026-11-30"), std::string("ORG-A"), std::int64_t{2}}));
  EXPECT_EQ(t.rows[2], (std::vector<report_cell>{std::string("2026-11-30"), std::string("ORG-B"), std::int64_t{1}}));
}

TEST(pathway_report, waits_run_from_receipt_to_the_first_triaged_and_first_contact_versions) {
  pathway_facts f;
  f.referrals = {{"a", "ORG-A", "2026-11-30T08:00:00.000Z"},
                 {"b", "ORG-A", "2026-11-30T09:00:00.000Z"},
                 {"c", "ORG-A", "2026-11-30T10:00:00.000Z"}};
  f.task_versions = {
      {"a", "2026-11-30T08:00:00.000Z", task("requested", "awaiting-triage")},
      {"a", "2026-11-30T09:00:00.000Z", task("requested", "awaiting-triage", "urgent")},  // escalated: not triage
      {"a", "2026-11-30T10:00:00.000Z", task("accepted", "triaged-step-2")},              // 2 h
      {"a", "2026-12-01T08:00:00.000Z", task("in-progress", "first-contact-made")},       // 24 h
      {"a", "2026-12-02T08:00:00.000Z", task("in-progress", "first-contact-made")},       // not the first
      {"b", "2026-11-30T09:00:00.000Z", task("requested", "awaiting-triage")},
      {"b", "2026-11-30T13:00:00.000Z", task("received", "triaged-step-3")},    // 4 h: business status says triaged
      {"c", "2026-11-30T10:00:00.000Z", task("requested", "awaiting-triage")},  // waiting
  };
  const auto report = summarise_pathway(f, settings());
  const auto w = table(report, "waiting_times");
  ASSERT_EQ(w.rows.size(), 1u);
  EXPECT_EQ(w.rows[0], (std::vector<report_cell>{std::string("2026-11-30"), std::int64_t{3}, std::int64_t{2}, 2.0, 4.0,
                                                 std::int64_t{1}, 24.0, 24.0}));
  const auto s = table(report, "task_status");
  ASSERT_EQ(s.rows.size(), 3u);  // the latest version of each: requested, received, in-progress
  EXPECT_EQ(s.rows[0], (std::vector<report_cell>{std::string("requested"), std::int64_t{1}}));
  EXPECT_EQ(s.rows[1], (std::vector<report_cell>{std::string("received"), std::int64_t{1}}));
  EXPECT_EQ(s.rows[2], (std::vector<report_cell>{std::string("in-progress"), std::int64_t{1}}));
}

TEST(pathway_report, lists_urgent_and_flagged_waiting_tasks_oldest_first_against_the_service_level) {
  const std::string flag =
      R"(,"input":[{"type":{"coding":[{"system":"https://referral-gateway.example.org/fhir/CodeSystem/triage-suggestion","code":"flag"}]},"valueCode":"risk-not-assessed"}])";
  const std::string escalated =
      R"(,"input":[{"type":{"coding":[{"system":"https://referral-gateway.example.org/fhir/CodeSystem/triage-suggestion","code":"escalated"}]},"valueDateTime":"2026-12-02T10:00:00Z"}])";
  pathway_facts f;
  f.waiting_tasks = {{"ORG-A", task("requested", "awaiting-triage", "routine")},                    // neither: left out
                     {"ORG-A", task("requested", "awaiting-triage", "urgent", escalated.c_str())},  // 2 h, in time
                     {"ORG-B", task("received", "awaiting-triage", "routine", flag.c_str())},       // flagged
                     {"ORG-B", task("requested", "awaiting-triage", "asap")}};                      // 52 h: overdue
  const auto t = table(summarise_pathway(f, settings()), "not_yet_accepted");
  ASSERT_EQ(t.rows.size(), 3u);
  // Columns: task, organisation, priority, flags, status, waiting_since, age_hours, service_level_hours, overdue.
  EXPECT_EQ(t.rows[0][2], report_cell(std::string("routine")));  // flagged, waiting since authoredOn
  EXPECT_EQ(t.rows[0][3], report_cell(std::string("risk-not-assessed")));
  EXPECT_EQ(t.rows[0][6], report_cell(52.0));
  EXPECT_EQ(t.rows[0][7], report_cell());  // the service level is for urgent referrals
  EXPECT_EQ(t.rows[0][8], report_cell());
  EXPECT_EQ(t.rows[1][2], report_cell(std::string("asap")));
  EXPECT_EQ(t.rows[1][7], report_cell(4.0));
  EXPECT_EQ(t.rows[1][8], report_cell(std::string("yes")));
  EXPECT_EQ(t.rows[2][2], report_cell(std::string("urgent")));
  EXPECT_EQ(t.rows[2][5], report_cell(std::string("2026-12-02T10:00:00Z")));  // since the escalation
  EXPECT_EQ(t.rows[2][6], report_cell(2.0));
  EXPECT_EQ(t.rows[2][8], report_cell(std::string("no")));
}

TEST(pathway_report, outcome_rates_leave_unknown_conclusions_out_of_the_denominators) {
  pathway_facts f;
  f.referrals = {{"a", "ORG-A", "2026-11-30T08:00:00.000Z"},
                 {"b", "ORG-A", "2026-11-30T08:00:00.000Z"},
                 {"c", "ORG-A", "2026-11-30T08:00:00.000Z"}};
  f.scores = {
      // a: a case at the start (PHQ-9 18, GAD-7 15), not at the end (7, 6): recovery, reliable improvement.
      {"a", "", score("44261-6", 18, "2026-01-05T09:00:00Z")},
      {"a", "", score("70274-6", 15, "2026-01-05T09:00:00Z")},
      {"a", "", score("44261-6", 7, "2026-03-02T09:00:00Z")},
      {"a", "", score("70274-6", 6, "2026-03-02T09:00:00Z")},
      // b: PHQ-9 rose by 8, GAD-7 unmeasured: no improvement whatever GAD-7 did (known: false), but
      // deterioration needs GAD-7 not to have fallen reliably (unknown), and so does the end.
      {"b", "", score("44261-6", 5, "2026-01-05T09:00:00Z")},
      {"b", "", score("44261-6", 13, "2026-03-02T09:00:00Z")},
      // c: one score: nothing known.
      {"c", "", score("44261-6", 12, "2026-01-05T09:00:00Z")},
  };
  const auto t = table(summarise_pathway(f, settings()), "outcomes");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0],
            (std::vector<report_cell>{std::string("ORG-A"), std::int64_t{3}, std::int64_t{1}, std::int64_t{1}, 100.0,
                                      std::int64_t{2}, std::int64_t{1}, 50.0, std::int64_t{1}, std::int64_t{0}, 0.0}));
}

TEST(pathway_report, the_outbox_table_shows_age_error_and_dead_items_per_destination) {
  pathway_facts f;
  f.outbox = {{"feedback", "ORG-A", 2, 1, at("2026-12-02T11:59:00Z"), "HTTP 400", {"x1"}},
              {"events", "platform", 0, 0, std::nullopt, "", {}}};
  const auto t = table(summarise_pathway(f, settings()), "outbox");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0],
            (std::vector<report_cell>{std::string("feedback"), std::string("ORG-A"), std::int64_t{2}, std::int64_t{60},
                                      std::int64_t{1}, std::string("HTTP 400"), std::string("x1")}));
  EXPECT_EQ(t.rows[1][3], report_cell());
}

}  // namespace
}  // namespace gateway::core
