#pragma once
// Evaluates first-line triage rules against a normalised referral. The gateway only suggests:
// a clinician makes the triage decision; these rules make sure urgent and risky referrals are
// seen first.
//
// Semantics (rules in file order):
// - suggested_step: the step of the FIRST matching rule that sets one (put specific rules first);
//   empty when no matching rule sets a step.
// - priority: the most urgent of the referrer's priority and every matching rule's priority:
//   triage raises, never lowers.
// - flags: the union of matching rules' flags, in order of first appearance.
// - matched_rules: ids of all matching rules, in file order (for audit and the Task).
//
// Thread safety: pure function.

#include "gateway/core/referral.hpp"
#include "gateway/core/triage_rules.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gateway::core {

struct triage_result {
  std::optional<std::string> suggested_step;
  request_priority priority = request_priority::routine;
  std::vector<std::string> flags;
  std::vector<std::string> matched_rules;

  bool has_flag(std::string_view flag) const;
};

triage_result evaluate(const triage_rules& rules, const referral& r, date today);

// One condition on its own (exposed for tests and for `$validate` explanations).
bool condition_holds(const condition& c, const referral& r, date today);

}  // namespace gateway::core
