#include "gateway/core/outcome_summary_resources.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/embedded_config.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;
using namespace std::chrono;

namespace {

const code_system& outcome_codes() {
  static const code_system cs = load_code_system(embedded::outcome_summary_code_system_json()).value();
  return cs;
}

const outcome_resource_context ctx{"ServiceRequest/sr1", "Patient/p1", "2024-04-01T12:00:00Z"};

}  // namespace

TEST(outcome_summary_resources, one_observation_per_conclusion_coded_from_the_code_system) {
  const instant t0 = sys_days{year{2024} / 1 / 10};
  const auto s = summarise_outcomes({{"44261-6", 18, t0, "Observation/a"},
                                     {"44261-6", 7, t0 + days{60}, "Observation/b"},
                                     {"70274-6", 15, t0, "Observation/c"},
                                     {"70274-6", 6, t0 + days{60}, "Observation/d"}});
  const auto obs = build_outcome_observations(s, outcome_codes(), ctx);
  ASSERT_EQ(obs.size(), 6u);
  std::vector<std::string> codes;
  for (const auto& o : obs) {
    const auto& coding = o["code"]["coding"][0];
    EXPECT_EQ(fhir::json::string_member(coding, "system"), systems::outcome_summary);
    EXPECT_TRUE(outcome_codes().find(fhir::json::string_member(coding, "code")));
    codes.emplace_back(fhir::json::string_member(coding, "code"));
    EXPECT_EQ(fhir::json::string_member(o, "status"), "final");
    EXPECT_EQ(fhir::json::string_member(o["basedOn"][0], "reference"), "ServiceRequest/sr1");
    EXPECT_EQ(fhir::json::string_member(o["subject"], "reference"), "Patient/p1");
    EXPECT_EQ(o["derivedFrom"].Size(), 4u);
    EXPECT_FALSE(o.HasMember("dataAbsentReason"));
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"case-at-start", "case-at-end", "recovery", "reliable-improvement",
                                             "reliable-deterioration", "reliable-recovery"}));
  EXPECT_TRUE(obs[0]["valueBoolean"].GetBool());
  EXPECT_EQ(fhir::json::string_member(obs[0], "effectiveDateTime"), "2024-01-10T00:00:00Z");
  EXPECT_FALSE(obs[1]["valueBoolean"].GetBool());
  EXPECT_EQ(fhir::json::string_member(obs[1], "effectiveDateTime"), "2024-03-10T00:00:00Z");
  EXPECT_TRUE(obs[5]["valueBoolean"].GetBool());

  const auto comm = build_outcome_narrative(s, ctx);
  EXPECT_EQ(fhir::json::string_member(comm, "resourceType"), "Communication");
  EXPECT_EQ(fhir::json::string_member(comm["payload"][0], "contentString"), s.narrative);
}

TEST(outcome_summary_resources, unknown_conclusions_carry_data_absent_reason_not_a_value) {
  const auto s = summarise_outcomes({{"44261-6", 18, instant{}, {}}});
  const auto obs = build_outcome_observations(s, outcome_codes(), ctx);
  ASSERT_EQ(obs.size(), 6u);
  for (const auto& o : obs) {
    EXPECT_FALSE(o.HasMember("valueBoolean"));
    ASSERT_TRUE(o.HasMember("dataAbsentReason"));
    EXPECT_EQ(fhir::json::string_member(o["dataAbsentReason"]["coding"][0], "code"), "unknown");
    EXPECT_EQ(fhir::json::string_member(o["dataAbsentReason"], "text"),
              "insufficient data: PHQ-9 has one score only; GAD-7 has no scores");
  }
}
