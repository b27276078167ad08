#include "gateway/api/pathway_query.hpp"

#include <gtest/gtest.h>

#include "gateway/api/pathway_wire.hpp"

namespace gateway::api {
namespace {

using namespace std::chrono;

const sys_days today = sys_days{2026y / December / 2};

std::string expression_of(const api_error& e) {
  return e.outcome.issues.empty() || e.outcome.issues[0].expression.empty() ? std::string()
                                                                            : e.outcome.issues[0].expression;
}

TEST(pathway_query, defaults_to_the_last_twelve_weeks_up_to_today) {
  const auto q = parse_pathway_query({}, today, true);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->last_day, today);
  EXPECT_EQ(q->first_day, today - days(83));
  EXPECT_FALSE(q->csv);
}

TEST(pathway_query, takes_a_range_and_csv_where_allowed) {
  const auto q = parse_pathway_query({{"from", "2026-01-01"}, {"to", "2026-03-31"}, {"format", "csv"}}, today, true);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->first_day, sys_days{2026y / January / 1});
  EXPECT_EQ(q->last_day, sys_days{2026y / March / 31});
  EXPECT_TRUE(q->csv);
}

TEST(pathway_query, bad_input_names_the_parameter) {
  struct bad_case {
    std::vector<query_param> query;
    bool allow_csv;
    std::string parameter;
  };
  const bad_case cases[] = {
      {{{"from", "2026-13-01"}}, true, "from"},
      {{{"to", "yesterday"}}, true, "to"},
      {{{"from", "2026-12-02T00:00:00Z"}}, true, "from"},
      {{{"from", "2026-12-03"}, {"to", "2026-12-02"}}, true, "from"},  // after to
      {{{"from", "2024-01-01"}, {"to", "2026-01-01"}}, true, "from"},  // over 366 days
      {{{"format", "xml"}}, true, "format"},
      {{{"format", "csv"}}, false, "format"},  // CSV is per table
      {{{"to", "2026-12-01"}, {"to", "2026-12-02"}}, true, "to"},
      {{{"patient", "123"}}, true, "patient"},
  };
  for (const auto& c : cases) {
    const auto q = parse_pathway_query(c.query, today, c.allow_csv);
    ASSERT_FALSE(q) << c.parameter;
    EXPECT_EQ(q.error().status, 400u);
    EXPECT_EQ(expression_of(q.error()), c.parameter);
  }
}

TEST(pathway_wire, csv_quotes_what_needs_it_and_defuses_formulas) {
  core::report_table t{"outbox", "t", {"destination", "last_error", "pending", "age"}, {}};
  t.rows.push_back({std::string("ORG-A"), std::string("timeout, then \"reset\""), std::int64_t{3}, 1.5});
  t.rows.push_back({std::string("=HYPERLINK(1)"), std::string("-1"), std::int64_t{0}, core::report_cell()});
  EXPECT_EQ(table_csv(t),
            "destination,last_error,pending,age\r\n"
            "ORG-A,\"timeout, then \"\"reset\"\"\",3,1.5\r\n"
            "'=HYPERLINK(1),'-1,0,\r\n");
}

TEST(pathway_wire, json_carries_the_envelope_and_typed_cells) {
  core::report_table t{"task_status", "Task status", {"status", "tasks", "rate"}, {}};
  t.rows.push_back({std::string("requested"), std::int64_t{2}, core::report_cell()});
  const std::string json = pathway_json({"2026-11-01", "2026-12-02", "2026-12-02T12:00:00Z", true}, std::span(&t, 1));
  EXPECT_EQ(json, R"({"from":"2026-11-01","to":"2026-12-02","generated_at":"2026-12-02T12:00:00Z","truncated":true,)"
                  R"("tables":[{"name":"task_status","title":"Task status","columns":["status","tasks","rate"],)"
                  R"("rows":[["requested",2,null]]}]})");
}

}  // namespace
}  // namespace gateway::api
