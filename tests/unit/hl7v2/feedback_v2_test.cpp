#include "adapters/hl7v2/feedback_v2.hpp"

#include <gtest/gtest.h>

#include "adapters/hl7v2/er7_parser.hpp"
#include "fhir/validator.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/feedback_message.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/outcome_summary.hpp"
#include "gateway/core/task_builder.hpp"

namespace gateway::hl7v2 {
namespace {

const char* const item_id = "7d3f3c1e-5b1a-4c2e-9f0a-2b6c8d9e0f11";

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  if (d.HasParseError()) throw std::runtime_error("bad JSON in test");
  return d;
}

rapidjson::Document referral(const std::string& system, const std::string& value) {
  return parse(R"({"resourceType":"ServiceRequest","id":"sr1","identifier":[{"system":")" + system + R"(","value":")" +
               value +
               R"("}],"status":"active","intent":"order","subject":{"reference":"Patient/p1"},)"
               R"("authoredOn":"2024-03-01T09:30:00Z","requester":{"identifier":{"system":)"
               R"("https://fhir.nhs.uk/Id/ods-organization-code","value":"RXX01"}}})");
}

rapidjson::Document patient() {
  return parse(R"({"resourceType":"Patient","id":"p1","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number",)"
               R"("value":"9434765919"}],"name":[{"family":"Example","given":["Alex","Jo"],"prefix":["Ms"]}],)"
               R"("gender":"female","birthDate":"1980-06-15"})");
}

rapidjson::Document task(const std::string& status) {
  auto t = core::build_initial_task({"ServiceRequest/sr1", "Patient/p1", "RXX01", "PLT01", "2024-03-01T10:00:00Z", {}});
  t.AddMember("id", "t1", t.GetAllocator());
  t["status"].SetString(status.c_str(), static_cast<rapidjson::SizeType>(status.size()), t.GetAllocator());
  t.RemoveMember("businessStatus");
  rapidjson::Value bs(rapidjson::kObjectType);
  bs.AddMember("coding", rapidjson::Value(rapidjson::kArrayType), t.GetAllocator());
  rapidjson::Value coding(rapidjson::kObjectType);
  coding.AddMember("system", "https://referral-gateway.example.org/fhir/CodeSystem/business-status", t.GetAllocator());
  coding.AddMember("code", "triaged-step-2", t.GetAllocator());
  coding.AddMember("display", "Triaged to step 2", t.GetAllocator());
  bs["coding"].PushBack(coding, t.GetAllocator());
  t.AddMember("businessStatus", bs, t.GetAllocator());
  return t;
}

rapidjson::Document score(const char* id, const char* loinc, int value, const char* when) {
  return parse(
      std::string(R"({"resourceType":"Observation","id":")") + id +
      R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")" + loinc +
      R"(","display":"score"}]},"subject":{"reference":"Patient/p1"},"basedOn":[{"reference":"ServiceRequest/sr1"}],)"
      R"("effectiveDateTime":")" +
      when + R"(","valueQuantity":{"value":)" + std::to_string(value) +
      R"(,"unit":"score","system":"http://unitsofmeasure.org","code":"{score}"}})");
}

struct fixture {
  rapidjson::Document sr = referral("urn:referral-gateway:hl7v2:referral-id:RXX01-MSK", "REF-V2-0001");
  rapidjson::Document pat = patient();
  rapidjson::Document t = task("received");
  std::vector<rapidjson::Document> scores;
  core::outcome_summary summary;
  core::feedback_message_input in;

  fixture() {
    in.message_id = item_id;
    in.event = core::feedback_event::status_update;
    in.timestamp = "2024-05-02T09:00:00Z";
    in.source_endpoint = "urn:referral-gateway:test";
    in.base_url = "https://gateway.example.org/fhir";
    in.destination = {"RXX01", "mllp://clinic.example.org:2575", true};
    in.task = &t;
    in.service_request = &sr;
    in.patient = &pat;
  }

  void outcome(const std::string& task_status) {
    t = task(task_status);
    scores.push_back(score("o1", "44261-6", 18, "2024-03-01T09:30:00Z"));
    scores.push_back(score("o2", "44261-6", 7, "2024-05-01T09:30:00Z"));
    for (auto& s : scores) in.outcomes.push_back(&s);
    summary = core::summarise_outcomes(core::scores_from_observations(in.outcomes));
    static const core::code_system codes =
        core::load_code_system(core::embedded::outcome_summary_code_system_json()).value();
    in.event = core::feedback_event::outcome_report;
    in.summary = &summary;
    in.summary_codes = &codes;
    in.patient_reference = "Patient/p1";
  }

  std::string json() const {
    const auto bundle = core::build_feedback_message(in);
    EXPECT_TRUE(fhir::validate(bundle).ok());
    return core::json::serialise(bundle);
  }
};

message parsed(const std::string& er7) {
  auto m = parse_er7(er7);
  if (!m) throw std::runtime_error(m.error().text());
  return std::move(*m);
}

TEST(FeedbackV2, AStatusChangeBecomesRriI12) {
  fixture f;
  auto out = feedback_to_v2(f.json(), {});
  ASSERT_TRUE(out) << out.error();
  ASSERT_EQ(out->size(), 1u);
  const v2_outgoing& rri = (*out)[0];
  EXPECT_EQ(rri.kind, "RRI^I12");
  EXPECT_EQ(rri.control_id, "7d3f3c1e5b1a4c2e9f0a");
  const message m = parsed(rri.er7);
  const segment& msh = m.header();
  EXPECT_EQ(msh.raw(3), "REFERRAL-GATEWAY");
  EXPECT_EQ(msh.raw(4), "PLT01");
  EXPECT_EQ(msh.raw(6), "RXX01");
  EXPECT_EQ(msh.raw(7), "20240502090000+0000");
  EXPECT_EQ(msh.raw(9), "RRI^I12^RRI_I12");
  EXPECT_EQ(msh.raw(10), rri.control_id);
  EXPECT_EQ(msh.raw(12), "2.5.1");
  EXPECT_EQ(m.encoding(), charset::utf8);
  const segment& rf1 = *m.find("RF1");
  EXPECT_EQ(rf1.raw(1), "P^Pending^HL70283");
  EXPECT_EQ(rf1.raw(6), "REF-V2-0001^RXX01-MSK");  // the referrer's own id, in its own form
  EXPECT_EQ(rf1.raw(11), "sr1^REFERRAL-GATEWAY");
  EXPECT_EQ(m.find("PRD", 1)->raw(7), "PLT01^ODS");
  EXPECT_EQ(m.find("PRD", 2)->raw(1, 1, 1), "RP");
  EXPECT_EQ(m.find("PRD", 2)->raw(7), "RXX01^ODS");
  const segment& pid = *m.find("PID");
  EXPECT_EQ(pid.raw(3), "9434765919^^^NHS^NH");
  EXPECT_EQ(pid.raw(5), "Example^Alex^Jo^^Ms");
  EXPECT_EQ(pid.raw(7), "19800615");
  EXPECT_EQ(pid.raw(8), "F");
  EXPECT_EQ(*m.decode(m.find("NTE")->raw(3)), "Status: received - Triaged to step 2");
}

TEST(FeedbackV2, TaskStatusesMapToTable0283) {
  for (const auto& [status, code] : std::vector<std::pair<std::string, std::string>>{{"requested", "P"},
                                                                                     {"accepted", "A"},
                                                                                     {"in-progress", "A"},
                                                                                     {"on-hold", "A"},
                                                                                     {"rejected", "R"},
                                                                                     {"cancelled", "R"}}) {
    fixture f;
    f.t = task(status);
    auto out = feedback_to_v2(f.json(), {});
    ASSERT_TRUE(out) << out.error();
    EXPECT_EQ(parsed((*out)[0].er7).find("RF1")->raw(1, 1, 1), code) << status;
  }
}

// An escalation's status-update tells an HL7 v2 referrer what rose: the message's reason
// (MessageHeader.reason.text) follows the status in NTE-3; a message without one has none.
TEST(FeedbackV2, TheMessageReasonFollowsTheStatusInNte3) {
  fixture f;
  auto out = feedback_to_v2(f.json(), {});
  ASSERT_TRUE(out) << out.error();
  EXPECT_EQ(parsed((*out)[0].er7).find("NTE")->repetition_count(3), 1u);

  f.in.reason = "Escalated: new flags: risk-to-self; a clinician must review this referral.";
  out = feedback_to_v2(f.json(), {});
  ASSERT_TRUE(out) << out.error();
  const message m = parsed((*out)[0].er7);
  const segment& nte = *m.find("NTE");
  ASSERT_EQ(nte.repetition_count(3), 2u);
  EXPECT_EQ(*m.decode(nte.raw(3, 1)), "Status: received - Triaged to step 2");
  EXPECT_EQ(*m.decode(nte.raw(3, 2)),
            "Note: Escalated: new flags: risk-to-self; a clinician must review this referral.");
}

TEST(FeedbackV2, CompletionBringsRriThenOruWithOneObxPerScore) {
  fixture f;
  f.outcome("completed");
  auto out = feedback_to_v2(f.json(), {"REFERRAL-GATEWAY", "CLINIC-EHR"});
  ASSERT_TRUE(out) << out.error();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].kind, "RRI^I12");
  EXPECT_EQ((*out)[1].kind, "ORU^R01");
  EXPECT_NE((*out)[0].control_id, (*out)[1].control_id);
  EXPECT_EQ((*out)[1].control_id.size(), 20u);
  const message oru = parsed((*out)[1].er7);
  EXPECT_EQ(oru.header().raw(5), "CLINIC-EHR");
  EXPECT_EQ(oru.header().raw(9), "ORU^R01^ORU_R01");
  const segment& obr = *oru.find("OBR");
  EXPECT_EQ(obr.raw(2), "REF-V2-0001^RXX01-MSK");
  EXPECT_EQ(obr.raw(3), "sr1^REFERRAL-GATEWAY");
  EXPECT_EQ(obr.raw(7), "20240501093000+0000");
  EXPECT_EQ(obr.raw(25), "F");
  ASSERT_NE(oru.find("OBX", 2), nullptr);
  EXPECT_EQ(oru.find("OBX", 3), nullptr);  // the summary conclusions are not scores
  const segment& first = *oru.find("OBX", 1);
  EXPECT_EQ(first.raw(1), "1");
  EXPECT_EQ(first.raw(2), "NM");
  EXPECT_EQ(first.raw(3), "44261-6^score^LN");
  EXPECT_EQ(first.raw(5), "18");
  EXPECT_EQ(first.raw(6), "{score}^score^UCUM");
  EXPECT_EQ(first.raw(11), "F");
  EXPECT_EQ(first.raw(14), "20240301093000+0000");
  EXPECT_EQ(oru.find("OBX", 2)->raw(5), "7");
  // The summary narrative in the NTE after OBR (before the first OBX).
  const segment& nte = *oru.find("NTE");
  EXPECT_LT(nte.index(), first.index());
  EXPECT_NE(oru.decode(nte.raw(3))->find("PHQ-9"), std::string::npos);
}

TEST(FeedbackV2, AnOutcomePostedBeforeCompletionIsOruOnly) {
  fixture f;
  f.outcome("in-progress");
  auto out = feedback_to_v2(f.json(), {});
  ASSERT_TRUE(out) << out.error();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].kind, "ORU^R01");
  EXPECT_EQ((*out)[0].control_id, "7d3f3c1e5b1a4c2e9f0a");
}

TEST(FeedbackV2, TheSameItemGivesTheSameBytes) {
  fixture f;
  f.outcome("completed");
  const std::string json = f.json();
  auto a = feedback_to_v2(json, {});
  auto b = feedback_to_v2(json, {});
  ASSERT_TRUE(a && b);
  EXPECT_EQ((*a)[0].er7, (*b)[0].er7);
  EXPECT_EQ((*a)[1].er7, (*b)[1].er7);
}

TEST(FeedbackV2, AReferralSentOverFhirGoesBackWithItsSystemAsUniversalId) {
  fixture f;
  f.sr = referral("https://fhir.rxx01.example.org/referral", "R-1");
  auto out = feedback_to_v2(f.json(), {});
  ASSERT_TRUE(out) << out.error();
  EXPECT_EQ(parsed((*out)[0].er7).find("RF1")->raw(6), "R-1^^https://fhir.rxx01.example.org/referral^URI");
}

TEST(FeedbackV2, WithoutAnNhsNumberThereIsNoPidAndSoNoMessage) {
  fixture f;
  f.in.patient = nullptr;
  auto out = feedback_to_v2(f.json(), {});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().find("PID-3"), std::string::npos);
}

TEST(FeedbackV2, WithoutTheServiceRequestThereIsNoReferralId) {
  fixture f;
  f.in.destination.include_service_request = false;
  auto out = feedback_to_v2(f.json(), {});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().find("RF1-6"), std::string::npos);
}

TEST(FeedbackV2, NotAFeedbackMessage) {
  EXPECT_FALSE(feedback_to_v2("{", {}));
  EXPECT_FALSE(feedback_to_v2(R"({"resourceType":"Bundle","type":"transaction"})", {}));
  EXPECT_FALSE(feedback_to_v2(R"({"resourceType":"Bundle","type":"message","entry":[]})", {}));
}

}  // namespace
}  // namespace gateway::hl7v2
