#include "gateway/core/triage_evaluate.hpp"

#include "gateway/core/embedded_config.hpp"
#include "gateway/core/normalise_service_request.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;
using namespace std::chrono;

namespace {

const date today{year{2024}, May, day{1}};

const triage_rules& default_rules() {
  static const triage_rules rules = load_triage_rules(embedded::triage_rules_json()).value();
  return rules;
}

referral adult_with(std::vector<coding> reasons) {
  referral r;
  r.birth_date = date{year{1980}, June, day{15}};
  r.reasons = std::move(reasons);
  return r;
}

supporting_observation loinc_observation(std::string code, double value) {
  supporting_observation o;
  o.codes = {{"http://loinc.org", std::move(code), ""}};
  o.value_number = value;
  return o;
}

questionnaire_answer answer(std::string link_id, std::optional<double> value, std::string code = {}) {
  questionnaire_answer a;
  a.link_id = std::move(link_id);
  a.value_number = value;
  if (!code.empty()) a.value_codes.push_back(coding{"http://loinc.org", std::move(code), ""});
  return a;
}

const coding fibromyalgia{"http://snomed.info/sct", "203082005", ""};
const coding chronic_pain{"http://snomed.info/sct", "82423001", ""};

}  // namespace

TEST(triage_evaluate, default_rules_table) {
  struct row {
    const char* name;
    referral input;
    std::optional<std::string> step;
    request_priority priority;
    std::vector<std::string> flags;
  };
  auto with_obs = [](referral r, supporting_observation o) {
    r.observations.push_back(std::move(o));
    return r;
  };
  auto with_answer = [](referral r, questionnaire_answer a) {
    r.answers.push_back(std::move(a));
    return r;
  };
  auto with_priority = [](referral r, request_priority p) {
    r.priority = p;
    return r;
  };
  auto born = [](referral r, date d) {
    r.birth_date = d;
    return r;
  };
  const auto fibro = adult_with({fibromyalgia});
  const std::vector<std::string> none;
  const std::vector<std::string> not_assessed{"risk-not-assessed"};
  const row rows[] = {
      {"fibromyalgia alone: step 2", fibro, "step-2", request_priority::routine, none},
      {"chronic pain alone: step 2", adult_with({chronic_pain}), "step-2", request_priority::routine, none},
      {"another SNOMED code: no suggestion", adult_with({{"http://snomed.info/sct", "35489007", ""}}), std::nullopt,
       request_priority::routine, none},
      {"same code, other system: no suggestion", adult_with({{"http://example.org", "203082005", ""}}), std::nullopt,
       request_priority::routine, none},
      {"PHQ-9 item 9 = 0 observation: nothing", with_obs(fibro, loinc_observation("44260-8", 0)), "step-2",
       request_priority::routine, none},
      {"PHQ-9 item 9 = 1 observation: urgent, risk",
       with_obs(fibro, loinc_observation("44260-8", 1)),
       "step-2",
       request_priority::urgent,
       {"risk-to-self"}},
      {"PHQ-9 item 9 answer 0: nothing", with_answer(fibro, answer("44260-8", 0)), "step-2", request_priority::routine,
       none},
      {"PHQ-9 item 9 answer 3: urgent, risk",
       with_answer(fibro, answer("44260-8", 3)),
       "step-2",
       request_priority::urgent,
       {"risk-to-self"}},
      {"PHQ-9 item 9 coded answer without weight",
       with_answer(fibro, answer("44260-8", std::nullopt, "LA6570-1")),
       "step-2",
       request_priority::urgent,
       {"risk-to-self"}},
      {"PHQ-9 item 9 'Not at all' code", with_answer(fibro, answer("44260-8", std::nullopt, "LA6568-5")), "step-2",
       request_priority::routine, none},
      {"risk never lowers stat",
       with_priority(with_obs(fibro, loinc_observation("44260-8", 2)), request_priority::stat),
       "step-2",
       request_priority::stat,
       {"risk-to-self", "referrer-urgent"}},
      {"PHQ-9 total 19 without item 9: step 2, risk not assessed", with_obs(fibro, loinc_observation("44261-6", 19)),
       "step-2", request_priority::routine, not_assessed},
      {"PHQ-9 total 20 without item 9: step 3",
       with_obs(fibro, loinc_observation("44261-6", 20)),
       "step-3",
       request_priority::routine,
       {"risk-not-assessed", "severe-symptoms"}},
      {"GAD-7 14: step 2", with_obs(fibro, loinc_observation("70274-6", 14)), "step-2", request_priority::routine,
       none},
      {"GAD-7 15: step 3",
       with_obs(fibro, loinc_observation("70274-6", 15)),
       "step-3",
       request_priority::routine,
       {"severe-symptoms"}},
      {"age 17: redirect before any step",
       born(with_obs(fibro, loinc_observation("44261-6", 25)), date{year{2006}, May, day{2}}),
       "redirect",
       request_priority::routine,
       {"risk-not-assessed", "under-18", "severe-symptoms"}},
      {"age 18 today: not redirected", born(fibro, date{year{2006}, May, day{1}}), "step-2", request_priority::routine,
       none},
      {"unknown age: not redirected",
       [&] {
         auto r = fibro;
         r.birth_date.reset();
         return r;
       }(),
       "step-2", request_priority::routine, none},
      {"referrer urgent is kept and flagged",
       with_priority(fibro, request_priority::urgent),
       "step-2",
       request_priority::urgent,
       {"referrer-urgent"}},
  };
  for (const auto& row : rows) {
    const auto result = evaluate(default_rules(), row.input, today);
    EXPECT_EQ(result.suggested_step, row.step) << row.name;
    EXPECT_EQ(result.priority, row.priority) << row.name;
    EXPECT_EQ(result.flags, row.flags) << row.name;
  }
}

TEST(triage_evaluate, first_step_wins_priority_only_rises_flags_accumulate_once) {
  const auto rules = load_triage_rules(R"({"rules":[
      {"id":"a","then":{"priority":"asap","flags":["x"]}},
      {"id":"b","when":{"reason":{"codes":["nope"]}},"then":{"step":"step-4"}},
      {"id":"c","then":{"step":"step-3","priority":"urgent","flags":["y","x"]}},
      {"id":"d","then":{"step":"step-2","flags":["y"]}}]})");
  ASSERT_TRUE(rules) << rules.error().text();
  const auto result = evaluate(*rules, referral{}, today);
  EXPECT_EQ(result.suggested_step, "step-3");
  EXPECT_EQ(result.priority, request_priority::asap);
  EXPECT_EQ(result.flags, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(result.matched_rules, (std::vector<std::string>{"a", "c", "d"}));
}

TEST(triage_evaluate, comparisons_at_their_boundaries) {
  struct row {
    const char* op;
    double threshold;
    double value;
    bool expected;
  };
  const row rows[] = {{">=", 10, 10, true}, {">=", 10, 9.5, false}, {">", 10, 10, false}, {">", 10, 10.5, true},
                      {"<=", 10, 10, true}, {"<=", 10, 11, false},  {"<", 10, 10, false}, {"<", 10, 9, true},
                      {"==", 10, 10, true}, {"==", 10, 11, false}};
  for (const auto& row : rows) {
    const auto rules =
        load_triage_rules(std::string(R"({"rules":[{"id":"r","when":{"observation":{"code":"c","op":")") + row.op +
                          R"(","value":)" + std::to_string(row.threshold) + R"(}},"then":{"flags":["hit"]}}]})");
    ASSERT_TRUE(rules) << rules.error().text();
    referral r;
    r.observations.push_back(loinc_observation("c", row.value));
    EXPECT_EQ(evaluate(*rules, r, today).has_flag("hit"), row.expected) << row.op << " " << row.value;
  }
}

TEST(triage_evaluate, none_of_and_observation_presence) {
  const auto rules = load_triage_rules(R"({"rules":[
      {"id":"no-scores","when":{"none":[{"observation":{"code":"44261-6"}},{"observation":{"code":"70274-6"}}]},
       "then":{"flags":["no-baseline-scores"]}}]})");
  ASSERT_TRUE(rules);
  referral r;
  EXPECT_TRUE(evaluate(*rules, r, today).has_flag("no-baseline-scores"));
  r.observations.push_back(loinc_observation("70274-6", 3));
  EXPECT_FALSE(evaluate(*rules, r, today).has_flag("no-baseline-scores"));
}

TEST(triage_evaluate, fixture_referral_end_to_end) {
  const auto doc = fixtures::load_fixture("servicerequest-contained.json");
  const auto r = normalise_service_request(doc);
  ASSERT_TRUE(r);
  const auto result = evaluate(default_rules(), *r, today);
  // Item 9 = 2 in the PHQ-9 panel component, total 21, fibromyalgia Condition.
  EXPECT_EQ(result.suggested_step, "step-3");
  EXPECT_EQ(result.priority, request_priority::urgent);
  EXPECT_EQ(result.flags, (std::vector<std::string>{"risk-to-self", "severe-symptoms"}));
  EXPECT_EQ(result.matched_rules,
            (std::vector<std::string>{"phq9-item9-risk-to-self", "severe-depression-or-anxiety-step-3",
                                      "chronic-widespread-pain-step-2"}));

  const auto logical = fixtures::load_fixture("servicerequest-logical.json");
  const auto qr = fixtures::load_fixture("questionnaireresponse-phq9.json");
  const auto r2 = normalise_service_request(logical, [&](std::string_view) { return &qr; });
  ASSERT_TRUE(r2);
  const auto result2 = evaluate(default_rules(), *r2, today);
  EXPECT_EQ(result2.suggested_step, "step-2");
  EXPECT_EQ(result2.priority, request_priority::urgent);
  EXPECT_EQ(result2.flags, (std::vector<std::string>{"risk-to-self", "referrer-urgent"}));
}
