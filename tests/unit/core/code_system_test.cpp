#include "gateway/core/code_system.hpp"

#include "gateway/core/code_systems.hpp"
#include "gateway/core/embedded_config.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;

namespace {

const code_system& business_status() {
  static const code_system cs = load_code_system(embedded::business_status_code_system_json()).value();
  return cs;
}

}  // namespace

TEST(code_system, business_status_has_every_pathway_code) {
  const auto& cs = business_status();
  EXPECT_EQ(cs.url(), systems::business_status);
  for (const char* code :
       {"awaiting-triage", "triaged-step-2", "triaged-step-3", "contact-attempted", "first-contact-made", "stepped-up",
        "stepped-down", "redirected", "declined", "not-reachable", "discharged"})
    EXPECT_TRUE(cs.contains(systems::business_status, code)) << code;
  EXPECT_EQ(cs.size(), 11u);
  EXPECT_FALSE(cs.contains("http://example.org/other", "discharged"));
  EXPECT_EQ(cs.display("triaged-step-2"), "Triaged to step 2");
  EXPECT_EQ(cs.display("unknown-code"), "unknown-code");
}

TEST(code_system, codeable_concept_check) {
  struct row {
    const char* json;
    const char* expected;  // empty: passes
  };
  const row rows[] = {
      {R"({"coding":[{"system":"https://referral-gateway.example.org/fhir/CodeSystem/business-status","code":"discharged"}]})",
       ""},
      {R"({"coding":[{"system":"http://other","code":"x"},{"system":"https://referral-gateway.example.org/fhir/CodeSystem/business-status","code":"stepped-up"}]})",
       ""},
      {R"({"coding":[{"system":"https://referral-gateway.example.org/fhir/CodeSystem/business-status","code":"finished"}]})",
       "Task.businessStatus.coding[0].code: 'finished' is not defined in "
       "https://referral-gateway.example.org/fhir/CodeSystem/business-status"},
      {R"({"text":"waiting"})",
       "Task.businessStatus: expected a coding from "
       "https://referral-gateway.example.org/fhir/CodeSystem/business-status"},
      {R"({"coding":[{"system":"http://other","code":"discharged"}]})",
       "Task.businessStatus: expected a coding from "
       "https://referral-gateway.example.org/fhir/CodeSystem/business-status"},
      {R"("discharged")", "Task.businessStatus: expected a CodeableConcept"},
  };
  for (const auto& row : rows) {
    const auto doc = fixtures::parse(row.json);
    const auto ok = business_status().check_codeable_concept(doc, "Task.businessStatus");
    if (std::string(row.expected).empty()) {
      EXPECT_TRUE(ok) << row.json << ": " << ok.error().text();
    } else {
      ASSERT_FALSE(ok) << row.json;
      EXPECT_EQ(ok.error().text(), row.expected);
      EXPECT_EQ(ok.error().kind, error_kind::unprocessable);
    }
  }
}

TEST(code_system, loader_rejects_what_is_not_a_usable_code_system) {
  EXPECT_EQ(load_code_system(R"({"resourceType":"ValueSet"})").error().text(), "resourceType: expected a CodeSystem");
  EXPECT_EQ(load_code_system(R"({"resourceType":"CodeSystem","concept":[{"code":"a"}]})").error().text(),
            "CodeSystem.url: missing");
  EXPECT_EQ(load_code_system(R"({"resourceType":"CodeSystem","url":"u","concept":[{"code":"a"},{"code":"a"}]})")
                .error()
                .text(),
            "CodeSystem.concept[1].code: duplicate code 'a'");
  EXPECT_EQ(load_code_system(R"({"resourceType":"CodeSystem","url":"u","concept":[{"display":"x"}]})").error().text(),
            "CodeSystem.concept[0].code: missing");
  const auto nested =
      load_code_system(R"({"resourceType":"CodeSystem","url":"u","concept":[{"code":"a","concept":[{"code":"b"}]}]})");
  ASSERT_TRUE(nested);
  EXPECT_TRUE(nested->contains("u", "b"));
}
