#include "gateway/core/task_builder.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/json_write.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;

TEST(task_builder, initial_task_for_an_accepted_referral) {
  initial_task_input in{"ServiceRequest/sr1", "Patient/p1", "A81001", "PLAT01", "2024-05-01T10:00:00Z", {}};
  in.triage.suggested_step = "step-3";
  in.triage.priority = request_priority::urgent;
  in.triage.flags = {"risk-to-self"};
  in.triage.matched_rules = {"phq9-item9-risk-to-self", "severe-depression-or-anxiety-step-3"};
  const auto t = build_initial_task(in);

  EXPECT_EQ(fhir::json::string_member(t, "resourceType"), "Task");
  EXPECT_FALSE(t.HasMember("id"));
  EXPECT_EQ(fhir::json::string_member(t, "status"), "requested");
  EXPECT_EQ(fhir::json::string_member(t, "intent"), "order");
  EXPECT_EQ(fhir::json::string_member(t, "priority"), "urgent");
  EXPECT_EQ(fhir::json::string_member(t["basedOn"][0], "reference"), "ServiceRequest/sr1");
  EXPECT_EQ(fhir::json::string_member(t["focus"], "reference"), "ServiceRequest/sr1");
  EXPECT_EQ(fhir::json::string_member(t["for"], "reference"), "Patient/p1");
  EXPECT_EQ(fhir::json::string_member(t["requester"]["identifier"], "system"), systems::ods_organisation);
  EXPECT_EQ(fhir::json::string_member(t["requester"]["identifier"], "value"), "A81001");
  EXPECT_EQ(fhir::json::string_member(t["owner"]["identifier"], "value"), "PLAT01");
  EXPECT_EQ(fhir::json::string_member(t["businessStatus"]["coding"][0], "system"), systems::business_status);
  EXPECT_EQ(fhir::json::string_member(t["businessStatus"]["coding"][0], "code"), "awaiting-triage");
  EXPECT_EQ(fhir::json::string_member(t, "authoredOn"), "2024-05-01T10:00:00Z");

  ASSERT_EQ(t["input"].Size(), 4u);
  EXPECT_EQ(fhir::json::string_member(t["input"][0]["type"]["coding"][0], "code"), "suggested-step");
  EXPECT_EQ(fhir::json::string_member(t["input"][0], "valueCode"), "step-3");
  EXPECT_EQ(fhir::json::string_member(t["input"][1], "valueCode"), "risk-to-self");
  EXPECT_EQ(fhir::json::string_member(t["note"][0], "text"),
            "First-line triage rules suggest step-3, priority urgent; flags: risk-to-self (rules: "
            "phq9-item9-risk-to-self, severe-depression-or-anxiety-step-3). This is a suggestion; a clinician "
            "makes the triage decision.");
}

TEST(task_builder, no_suggestion_means_no_input) {
  const auto t =
      build_initial_task({"ServiceRequest/sr1", "Patient/p1", "A81001", "PLAT01", "2024-05-01T10:00:00Z", {}});
  EXPECT_FALSE(t.HasMember("input"));
  EXPECT_EQ(fhir::json::string_member(t, "priority"), "routine");
}
