#pragma once
// First-line triage rules: ordered conditions over a normalised referral, and what a match does.
// Loaded once from JSON (config/triage-rules.json; the embedded default is
// embedded::triage_rules_json()) into immutable structs; evaluated by triage_evaluate.hpp.
//
// File format (unknown keys anywhere are rejected, errors name the path, e.g.
// "rules[2].when.observation.code: missing"):
//
//   { "description": "optional text",
//     "linkIdAliases": {                        // optional: other linkIds senders use for a
//       "44260-8": ["phq9-9", "/44260-8"] },    // question; an "answer" condition on the key
//                                               // matches them too
//     "rules": [
//       { "id": "phq9-total-severe",            // unique, [a-z0-9-]+
//         "description": "optional text",
//         "when": CONDITION,                    // optional: a rule without "when" always matches
//         "then": { "step": "step-3",           // optional: step-2 | step-3 | step-4 | redirect
//                   "priority": "urgent",       // optional: raises, never lowers
//                   "flags": ["risk-to-self"] } // optional: [a-z0-9-]+ each
//       } ] }
//
//   CONDITION is an object with exactly one key:
//     "reason":      {"system": S?, "codes": [C, ...]}    a reason coding with one of the codes
//     "priority":    {"in": ["urgent", ...]}               the referrer's priority is one of them
//     "age":         {"op": OP, "value": N}                age in whole years on the evaluation
//                                                          date; never true when unknown
//     "observation": {"system": S?, "code": C, TEST?}      some supporting observation with that
//                                                          code passes TEST (or exists, if no TEST)
//     "answer":      {"linkId": L, TEST?}                  some questionnaire answer to L passes TEST;
//                                                          the item is L when its linkId is L or
//                                                          an alias of L, or its definition/code
//                                                          names L
//     "finding":     {"system": S?, "codes": [C, ...]}    a Flag or Condition of the referral
//                                                          coded with one of the codes
//     "all": [CONDITION, ...] | "any": [...] | "none": [...]
//   TEST is either "op": OP with "value": N (numeric), or "valueCodes": [C, ...] (coded answer)
//   OP is one of ">=", ">", "<=", "<", "==".
//
// Thread safety: immutable after loading; share one instance (std::shared_ptr<const>) freely.

#include "gateway/core/error.hpp"
#include "gateway/core/request_priority.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gateway::core {

enum class comparison { ge, gt, le, lt, eq };

struct numeric_test {
  comparison op = comparison::eq;
  double value = 0;
  bool passes(double actual) const;
};

// Either a numeric comparison, a set of acceptable codes (any coding of the answer may match),
// or nothing (presence is enough).
struct value_test {
  std::optional<numeric_test> numeric;
  std::vector<std::string> codes;
};

struct reason_condition {
  std::string system;  // empty: any system
  std::vector<std::string> codes;
};

struct priority_condition {
  std::vector<request_priority> in;
};

struct age_condition {
  numeric_test test;
};

struct observation_condition {
  std::string system;  // empty: any system
  std::string code;
  value_test test;
};

struct answer_condition {
  std::string link_id;
  std::vector<std::string> aliases;  // from linkIdAliases, filled at load
  value_test test;
};

struct finding_condition {
  std::string system;  // empty: any system
  std::vector<std::string> codes;
};

struct condition;
struct all_of {
  std::vector<condition> items;
};
struct any_of {
  std::vector<condition> items;
};
struct none_of {
  std::vector<condition> items;
};

struct condition {
  std::variant<reason_condition, priority_condition, age_condition, observation_condition, answer_condition,
               finding_condition, all_of, any_of, none_of>
      test;
};

struct rule_action {
  std::optional<std::string> step;
  std::optional<request_priority> priority;
  std::vector<std::string> flags;
};

struct triage_rule {
  std::string id;
  std::string description;
  std::optional<condition> when;  // absent: always matches
  rule_action then;
};

class triage_rules {
 public:
  triage_rules() = default;  // no rules: nothing is ever suggested
  explicit triage_rules(std::vector<triage_rule> rules) : rules_(std::move(rules)) {}
  const std::vector<triage_rule>& rules() const noexcept { return rules_; }

 private:
  std::vector<triage_rule> rules_;
};

// Steps a rule may suggest; anything else in a rule file is a typo, rejected at load.
bool is_known_step(std::string_view step);

result<triage_rules> load_triage_rules(std::string_view json_text);
result<triage_rules> load_triage_rules(const rapidjson::Value& root);

}  // namespace gateway::core
