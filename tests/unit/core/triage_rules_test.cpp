#include "gateway/core/triage_rules.hpp"

#include "gateway/core/embedded_config.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;

TEST(triage_rules, the_shipped_rule_file_loads) {
  const auto rules = load_triage_rules(fixtures::read_text("config/triage-rules.json"));
  ASSERT_TRUE(rules) << rules.error().text();
  ASSERT_GE(rules->rules().size(), 4u);
  EXPECT_EQ(rules->rules()[0].id, "phq9-item9-risk-to-self");
  EXPECT_EQ(rules->rules()[0].then.priority, request_priority::urgent);
  EXPECT_EQ(rules->rules()[0].then.flags, std::vector<std::string>{"risk-to-self"});
}

TEST(triage_rules, a_rule_without_when_always_applies_and_conditions_parse) {
  const auto rules = load_triage_rules(R"({"rules":[
      {"id":"default","then":{"step":"step-2"}},
      {"id":"x","when":{"all":[{"age":{"op":">=","value":65}},
                               {"none":[{"answer":{"linkId":"q1","valueCodes":["a","b"]}}]},
                               {"observation":{"code":"44261-6"}}]},
       "then":{"priority":"asap","flags":["older-adult"]}}]})");
  ASSERT_TRUE(rules) << rules.error().text();
  ASSERT_EQ(rules->rules().size(), 2u);
  EXPECT_FALSE(rules->rules()[0].when);
  const auto& all = std::get<all_of>(rules->rules()[1].when->test);
  ASSERT_EQ(all.items.size(), 3u);
  const auto& age = std::get<age_condition>(all.items[0].test);
  EXPECT_EQ(age.test.op, comparison::ge);
  EXPECT_EQ(age.test.value, 65);
  const auto& none = std::get<none_of>(all.items[1].test);
  EXPECT_EQ(std::get<answer_condition>(none.items[0].test).test.codes, (std::vector<std::string>{"a", "b"}));
  const auto& presence = std::get<observation_condition>(all.items[2].test);
  EXPECT_FALSE(presence.test.numeric);
  EXPECT_TRUE(presence.test.codes.empty());
}

TEST(triage_rules, link_id_aliases_attach_to_every_answer_condition_on_that_question) {
  const auto rules = load_triage_rules(R"({"linkIdAliases":{"44260-8":["phq9-9","/44260-8"]},"rules":[
      {"id":"a","when":{"any":[{"answer":{"linkId":"44260-8","op":">","value":0}},{"answer":{"linkId":"other"}}]},
       "then":{"flags":["x"]}}]})");
  ASSERT_TRUE(rules) << rules.error().text();
  const auto& any = std::get<any_of>(rules->rules()[0].when->test);
  EXPECT_EQ(std::get<answer_condition>(any.items[0].test).aliases, (std::vector<std::string>{"phq9-9", "/44260-8"}));
  EXPECT_TRUE(std::get<answer_condition>(any.items[1].test).aliases.empty());
}

TEST(triage_rules, errors_name_the_path) {
  struct row {
    const char* json;
    const char* expected;
  };
  const row rows[] = {
      {R"({"rules":[{"id":"a","then":{"step":"step-2"}},{"id":"b","then":{"step":"step-2"}},
          {"id":"c","when":{"observation":{"op":">","value":1}},"then":{"step":"step-3"}}]})",
       "rules[2].when.observation.code: missing"},
      {R"({"rules":[{"id":"a","then":{"step":"step-2"},"colour":"red"}]})", "rules[0].colour: unknown key"},
      {R"({"rules":[{"id":"a","then":{"step":"step-9"}}]})",
       "rules[0].then.step: 'step-9' is not one of step-2, step-3, step-4, redirect"},
      {R"({"rules":[{"id":"a","then":{"priority":"soon"}}]})",
       "rules[0].then.priority: 'soon' is not one of routine, urgent, asap, stat"},
      {R"({"rules":[{"id":"a","then":{}}]})", "rules[0].then: expected at least one of step, priority, flags"},
      {R"({"rules":[{"id":"a"}]})", "rules[0].then: missing"},
      {R"({"rules":[{"then":{"step":"step-2"}}]})", "rules[0].id: missing"},
      {R"({"rules":[{"id":"A B","then":{"step":"step-2"}}]})",
       "rules[0].id: expected lower-case letters, digits and '-'"},
      {R"({"rules":[{"id":"a","then":{"step":"step-2"}},{"id":"a","then":{"step":"step-3"}}]})",
       "rules[1].id: duplicate id 'a'"},
      {R"({"rules":[{"id":"a","when":{"any":[{"age":{"op":"=>","value":1}}]},"then":{"step":"step-2"}}]})",
       "rules[0].when.any[0].age.op: '=>' is not one of >=, >, <=, <, =="},
      {R"({"rules":[{"id":"a","when":{"age":{"op":">","value":"18"}},"then":{"step":"step-2"}}]})",
       "rules[0].when.age.value: must be a number"},
      {R"({"rules":[{"id":"a","when":{"colour":{}},"then":{"step":"step-2"}}]})",
       "rules[0].when.colour: unknown condition"},
      {R"({"rules":[{"id":"a","when":{"age":{"op":">","value":1},"reason":{"codes":["x"]}},"then":{"step":"step-2"}}]})",
       "rules[0].when: expected an object with exactly one of reason, priority, age, observation, answer, finding, "
       "all, any, none"},
      {R"({"linkIdAliases":{"44260-8":[]},"rules":[]})",
       "linkIdAliases.44260-8: expected a non-empty array of linkIds"},
      {R"({"linkIdAliases":{"44260-8":["ok",""]},"rules":[]})",
       "linkIdAliases.44260-8[1]: expected a non-empty string"},
      {R"({"linkIdAliases":["phq9-9"],"rules":[]})", "linkIdAliases: expected an object of linkId: [alias, ...]"},
      {R"({"rules":[{"id":"a","when":{"finding":{"system":"s"}},"then":{"step":"step-2"}}]})",
       "rules[0].when.finding.codes: missing"},
      {R"({"rules":[{"id":"a","when":{"any":[]},"then":{"step":"step-2"}}]})",
       "rules[0].when.any: expected a non-empty array of conditions"},
      {R"({"rules":[{"id":"a","when":{"reason":{"codes":[]}},"then":{"step":"step-2"}}]})",
       "rules[0].when.reason.codes: must have at least one entry"},
      {R"({"rules":[{"id":"a","when":{"answer":{"linkId":"q","op":">","value":0,"valueCodes":["x"]}},"then":{"step":"step-2"}}]})",
       "rules[0].when.answer.valueCodes: give either op/value or valueCodes, not both"},
      {R"({"rules":[{"id":"a","when":{"priority":{"in":["urgent","later"]}},"then":{"step":"step-2"}}]})",
       "rules[0].when.priority.in[1]: 'later' is not one of routine, urgent, asap, stat"},
      {R"({"rules":[{"id":"a","then":{"flags":["Risk"]}}]})",
       "rules[0].then.flags[0]: expected lower-case letters, digits and '-'"},
      {R"({"rules":[],"rule":[]})", "rule: unknown key"},
      {R"({})", "rules: missing"},
      {R"([])", "$: must be an object"},
      {R"({"rules":[]} x)", "$: invalid JSON at offset 13: The document root must not be followed by other values."},
  };
  for (const auto& row : rows) {
    const auto rules = load_triage_rules(std::string_view(row.json));
    ASSERT_FALSE(rules) << row.json;
    EXPECT_EQ(rules.error().text(), row.expected) << row.json;
  }
}

TEST(triage_rules, deep_nesting_is_refused_not_recursed_without_bound) {
  std::string when = R"({"age":{"op":">","value":1}})";
  for (int i = 0; i < 40; ++i) when = R"({"any":[)" + when + "]}";
  const auto rules = load_triage_rules(R"({"rules":[{"id":"a","when":)" + when + R"(,"then":{"step":"step-2"}}]})");
  ASSERT_FALSE(rules);
  EXPECT_NE(rules.error().message.find("nested too deeply"), std::string::npos);
}
