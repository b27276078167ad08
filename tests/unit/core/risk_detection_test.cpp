// Risk detection end to end through normalisation and the shipped rules (config/triage-rules.json):
// every coding position, every linkId alias, the item's definition, resources supportingInfo does
// not list, coded risk findings, and the risk-not-assessed flag. Each case is one way a PHQ-9
// item 9 answer or a coded risk reached the gateway and was missed before.
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/normalise_service_request.hpp"
#include "gateway/core/triage_evaluate.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;
using namespace std::chrono;

namespace {

const date today{year{2024}, May, day{1}};

const triage_rules& shipped_rules() {
  static const triage_rules rules = load_triage_rules(embedded::triage_rules_json()).value();
  return rules;
}

// A referral carrying `contained` resources; `listed` says whether supportingInfo names them.
triage_result triage_of(const std::string& contained, bool listed = true) {
  std::string sr = R"({"resourceType":"ServiceRequest","status":"active","intent":"order",
      "subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000009"}},
      "contained":[)" +
                   contained + "]";
  if (listed) sr += R"(,"supportingInfo":[{"reference":"#r"}])";
  sr += "}";
  const auto doc = fixtures::parse(sr);
  auto r = normalise_service_request(doc);
  EXPECT_TRUE(r) << r.error().text();
  return evaluate(shipped_rules(), *r, today);
}

std::string item9_observation(const std::string& code_codings, const std::string& value) {
  return R"({"resourceType":"Observation","id":"r","status":"final","code":{"coding":[)" + code_codings + "]}," +
         value + "}";
}

const std::string loinc_item9 = R"({"system":"http://loinc.org","code":"44260-8"})";
const std::string local_item9 = R"({"system":"https://practice.example/codes","code":"PHQ9-Q9"})";

std::string questionnaire(const std::string& item) {
  return R"({"resourceType":"QuestionnaireResponse","id":"r","status":"completed","item":[)" + item + "]}";
}

void expect_risk(const triage_result& t, const char* why) {
  EXPECT_EQ(t.priority, request_priority::urgent) << why;
  EXPECT_TRUE(t.has_flag("risk-to-self")) << why;
  EXPECT_FALSE(t.has_flag("risk-not-assessed")) << why;
}

}  // namespace

TEST(risk_detection, every_coding_of_the_question_and_of_the_answer_is_read) {
  expect_risk(triage_of(item9_observation(local_item9 + "," + loinc_item9, R"("valueInteger":2)")),
              "LOINC code second in Observation.code");
  expect_risk(triage_of(item9_observation(
                  loinc_item9, R"("valueCodeableConcept":{"coding":[{"system":"https://practice.example/a","code":"2"},
                                  {"system":"http://loinc.org","code":"LA6570-1"}]})")),
              "LOINC answer second in valueCodeableConcept");
  const auto not_at_all = triage_of(item9_observation(
      loinc_item9, R"("valueCodeableConcept":{"coding":[{"system":"https://practice.example/a","code":"0"},
                       {"system":"http://loinc.org","code":"LA6568-5"}]})"));
  EXPECT_EQ(not_at_all.priority, request_priority::routine);
  EXPECT_FALSE(not_at_all.has_flag("risk-to-self"));
}

TEST(risk_detection, a_questionnaire_item_is_found_by_any_linkid_alias_or_its_definition) {
  for (const char* link : {"44260-8", "phq9-9", "/44260-8", "phq9_9", "PHQ9_9"}) {
    expect_risk(triage_of(questionnaire(std::string(R"({"linkId":")") + link + R"(","answer":[{"valueInteger":2}]})")),
                link);
  }
  expect_risk(triage_of(questionnaire(
                  R"({"linkId":"q-local-17","definition":"http://loinc.org/44260-8","answer":[{"valueInteger":1}]})")),
              "definition names the LOINC question");
  expect_risk(triage_of(questionnaire(R"({"linkId":"page2","item":[{"linkId":"phq9-9","answer":[
                  {"valueCoding":{"system":"http://loinc.org","code":"LA6571-9"}}]}]})")),
              "nested group, coded answer");
  const auto other = triage_of(questionnaire(R"({"linkId":"q9","answer":[{"valueInteger":3}]})"));
  EXPECT_FALSE(other.has_flag("risk-to-self")) << "an unknown linkId is another question";
}

TEST(risk_detection, resources_not_listed_in_supporting_info_count) {
  expect_risk(triage_of(item9_observation(loinc_item9, R"("valueInteger":3)"), false), "contained, not listed");
  // A Bundle's other entries reach normalisation as `others`.
  const auto sr = fixtures::parse(R"({"resourceType":"ServiceRequest","status":"active","intent":"order",
      "subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000009"}}})");
  const auto entry = fixtures::parse(item9_observation(loinc_item9, R"("valueInteger":1)"));
  const rapidjson::Value* others[] = {&entry};
  auto r = normalise_service_request(sr, {}, others);
  ASSERT_TRUE(r);
  expect_risk(evaluate(shipped_rules(), *r, today), "Bundle entry not listed");
}

TEST(risk_detection, a_coded_risk_flag_or_condition_raises_the_referral) {
  expect_risk(triage_of(R"({"resourceType":"Flag","id":"r","status":"active","code":{"coding":[
                  {"system":"http://snomed.info/sct","code":"225444004"}]},"subject":{"reference":"#p"}})",
                        false),
              "Flag: at risk for suicide");
  expect_risk(triage_of(R"({"resourceType":"Condition","id":"r","code":{"coding":[
                  {"system":"https://practice.example/a","code":"x"},{"system":"http://snomed.info/sct","code":"6471006"}]},
                  "subject":{"reference":"#p"}})",
                        false),
              "Condition: suicidal thoughts");
  const auto pain = triage_of(R"({"resourceType":"Condition","id":"r","code":{"coding":[
      {"system":"http://snomed.info/sct","code":"82423001"}]},"subject":{"reference":"#p"}})",
                              false);
  EXPECT_FALSE(pain.has_flag("risk-to-self"));
}

TEST(risk_detection, a_phq9_without_a_readable_item_9_is_flagged_not_assessed_without_raising_priority) {
  const std::string total = R"({"resourceType":"Observation","id":"r","status":"final","code":{"coding":[
      {"system":"http://loinc.org","code":"44261-6"}]},"valueInteger":14})";
  const auto only_total = triage_of(total);
  EXPECT_TRUE(only_total.has_flag("risk-not-assessed"));
  EXPECT_EQ(only_total.priority, request_priority::routine);
  const auto unreadable = triage_of(R"({"resourceType":"Observation","id":"r","status":"final","code":{"coding":[
      {"system":"http://loinc.org","code":"44249-1"}]},"component":[
      {"code":{"coding":[{"system":"http://loinc.org","code":"44260-8"}]},"valueString":"did not say"}]})");
  EXPECT_TRUE(unreadable.has_flag("risk-not-assessed"));
  const auto answered = triage_of(R"({"resourceType":"QuestionnaireResponse","id":"r","status":"completed","item":[
      {"linkId":"phq9-1","answer":[{"valueInteger":1}]},{"linkId":"phq9-9","answer":[{"valueInteger":0}]}]})");
  EXPECT_FALSE(answered.has_flag("risk-not-assessed"));
  EXPECT_FALSE(answered.has_flag("risk-to-self"));
  const auto no_phq9 = triage_of(R"({"resourceType":"Observation","id":"r","status":"final","code":{"coding":[
      {"system":"http://loinc.org","code":"70274-6"}]},"valueInteger":9})");
  EXPECT_FALSE(no_phq9.has_flag("risk-not-assessed")) << "no PHQ-9 at all: nothing to assess";
}

TEST(risk_detection, not_assessed_may_be_configured_to_raise_priority) {
  const auto rules = load_triage_rules(R"({"linkIdAliases":{"44260-8":["phq9-9"]},"rules":[
      {"id":"n","when":{"all":[{"observation":{"code":"44261-6"}},{"none":[{"answer":{"linkId":"44260-8","op":">=","value":0}}]}]},
       "then":{"priority":"urgent","flags":["risk-not-assessed"]}}]})");
  ASSERT_TRUE(rules) << rules.error().text();
  referral r;
  supporting_observation total;
  total.codes = {{"http://loinc.org", "44261-6", ""}};
  total.value_number = 12;
  r.observations.push_back(total);
  EXPECT_EQ(evaluate(*rules, r, today).priority, request_priority::urgent);
  questionnaire_answer item9;
  item9.link_id = "phq9-9";
  item9.value_number = 0;
  r.answers.push_back(item9);
  EXPECT_EQ(evaluate(*rules, r, today).priority, request_priority::routine);
}
