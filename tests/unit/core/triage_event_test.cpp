#include "gateway/core/triage_event.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/normalise_service_request.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;
using namespace std::chrono;

TEST(triage_event, cloudevents_structured_mode_with_the_normalised_referral) {
  const auto sr = fixtures::load_fixture("servicerequest-contained.json");
  const auto r = normalise_service_request(sr);
  ASSERT_TRUE(r);
  triage_result triage;
  triage.suggested_step = "step-3";
  triage.priority = request_priority::urgent;
  triage.flags = {"risk-to-self"};
  triage.matched_rules = {"phq9-item9-risk-to-self"};
  const triage_event_header h{"8c1f7a8e-6f55-4c1e-9f0a-2b6f7d9d1e01",
                              "https://gateway.example.org/fhir",
                              referral_event_type::received,
                              "sr1",
                              "Task/t1",
                              sys_days{year{2024} / 5 / 1} + hours{10} + milliseconds{250}};
  const auto text = build_triage_event(h, *r, triage);
  const auto e = fixtures::parse(text);

  EXPECT_EQ(fhir::json::string_member(e, "specversion"), "1.0");
  EXPECT_EQ(fhir::json::string_member(e, "id"), "8c1f7a8e-6f55-4c1e-9f0a-2b6f7d9d1e01");
  EXPECT_EQ(fhir::json::string_member(e, "source"), "https://gateway.example.org/fhir");
  EXPECT_EQ(fhir::json::string_member(e, "type"), "referral.received");
  EXPECT_EQ(fhir::json::string_member(e, "subject"), "ServiceRequest/sr1");
  EXPECT_EQ(fhir::json::string_member(e, "time"), "2024-05-01T10:00:00Z");
  EXPECT_EQ(fhir::json::string_member(e, "datacontenttype"), "application/json");
  EXPECT_FALSE(e.HasMember("correlationid")) << "a change outside a conversation names none";
  const auto& d = e["data"];
  EXPECT_EQ(fhir::json::string_member(d, "suggestedStep"), "step-3");
  EXPECT_EQ(fhir::json::string_member(d, "priority"), "urgent");
  EXPECT_EQ(fhir::json::string_member(d["flags"][0], ""), "");
  EXPECT_STREQ(d["flags"][0].GetString(), "risk-to-self");
  EXPECT_STREQ(d["matchedRules"][0].GetString(), "phq9-item9-risk-to-self");
  EXPECT_EQ(fhir::json::string_member(d, "task"), "Task/t1");
  const auto& ref = d["referral"];
  EXPECT_EQ(fhir::json::string_member(ref["patient"], "nhsNumber"), "9434765919");
  EXPECT_EQ(fhir::json::string_member(ref["patient"], "birthDate"), "1980-06-15");
  EXPECT_EQ(fhir::json::string_member(ref, "requesterOds"), "A81001");
  EXPECT_EQ(fhir::json::string_member(ref["identifier"], "value"), "REF-2024-0001");
  EXPECT_EQ(fhir::json::string_member(ref["reasons"][0], "code"), "203082005");
  EXPECT_EQ(ref["observations"].Size(), 4u);
  // The contained Patient's name never leaves the gateway: the referral carries no names.
  EXPECT_EQ(text.find("Alex"), std::string::npos);
  EXPECT_EQ(text.find("Example"), std::string::npos);
}

TEST(triage_event, types_and_no_step_when_none_suggested) {
  EXPECT_EQ(to_string(referral_event_type::updated), "referral.updated");
  EXPECT_EQ(to_string(referral_event_type::cancelled), "referral.cancelled");
  triage_event_header h;
  h.type = referral_event_type::cancelled;
  h.service_request_id = "sr9";
  h.correlation_id = "9562466f-c982-4bd5-bb0e-255e9f5e6689";
  const auto e = fixtures::parse(build_triage_event(h, referral{}, triage_result{}));
  EXPECT_EQ(fhir::json::string_member(e, "type"), "referral.cancelled");
  EXPECT_EQ(fhir::json::string_member(e, "correlationid"), "9562466f-c982-4bd5-bb0e-255e9f5e6689");
  EXPECT_FALSE(e["data"].HasMember("suggestedStep"));
  EXPECT_EQ(fhir::json::string_member(e["data"], "priority"), "routine");
}
