#include "gateway/core/triage_evaluate.hpp"

#include <algorithm>

namespace gateway::core {
namespace {

bool code_matches(const std::vector<coding>& codes, std::string_view system, std::string_view code) {
  return std::any_of(codes.begin(), codes.end(),
                     [&](const coding& c) { return c.code == code && (system.empty() || c.system == system); });
}

bool contains(const std::vector<std::string>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// A value test with no numeric test and no codes only asks that a value was recorded at all.
template <class Value>
bool value_passes(const value_test& t, const Value& v) {
  if (t.numeric) return v.value_number && t.numeric->passes(*v.value_number);
  if (!t.codes.empty())
    return std::any_of(v.value_codes.begin(), v.value_codes.end(),
                       [&](const coding& c) { return contains(t.codes, c.code); });
  return true;
}

struct holds_visitor {
  const referral& r;
  date today;

  bool operator()(const reason_condition& c) const {
    return std::any_of(c.codes.begin(), c.codes.end(),
                       [&](const std::string& code) { return code_matches(r.reasons, c.system, code); });
  }
  bool operator()(const priority_condition& c) const {
    return std::find(c.in.begin(), c.in.end(), r.priority) != c.in.end();
  }
  bool operator()(const age_condition& c) const {
    // Unknown age never satisfies an age rule (in either direction): a rule about children
    // must not fire, nor be skipped, on a guess.
    if (!r.birth_date) return false;
    return c.test.passes(age_in_years(*r.birth_date, today));
  }
  bool operator()(const observation_condition& c) const {
    return std::any_of(r.observations.begin(), r.observations.end(), [&](const supporting_observation& o) {
      return code_matches(o.codes, c.system, c.code) && value_passes(c.test, o);
    });
  }
  bool operator()(const answer_condition& c) const {
    return std::any_of(r.answers.begin(), r.answers.end(), [&](const questionnaire_answer& a) {
      const bool asked = a.link_id == c.link_id || contains(c.aliases, a.link_id) || contains(a.item_codes, c.link_id);
      return asked && value_passes(c.test, a);
    });
  }
  bool operator()(const finding_condition& c) const {
    return std::any_of(c.codes.begin(), c.codes.end(),
                       [&](const std::string& code) { return code_matches(r.findings, c.system, code); });
  }
  bool operator()(const all_of& c) const {
    return std::all_of(c.items.begin(), c.items.end(),
                       [&](const condition& i) { return condition_holds(i, r, today); });
  }
  bool operator()(const any_of& c) const {
    return std::any_of(c.items.begin(), c.items.end(),
                       [&](const condition& i) { return condition_holds(i, r, today); });
  }
  bool operator()(const none_of& c) const {
    return std::none_of(c.items.begin(), c.items.end(),
                        [&](const condition& i) { return condition_holds(i, r, today); });
  }
};

}  // namespace

bool triage_result::has_flag(std::string_view flag) const {
  return contains(flags, flag);
}

bool condition_holds(const condition& c, const referral& r, date today) {
  return std::visit(holds_visitor{r, today}, c.test);
}

triage_result evaluate(const triage_rules& rules, const referral& r, date today) {
  triage_result out;
  out.priority = r.priority;
  for (const auto& rule : rules.rules()) {
    if (rule.when && !condition_holds(*rule.when, r, today)) continue;
    out.matched_rules.push_back(rule.id);
    if (rule.then.step && !out.suggested_step) out.suggested_step = rule.then.step;
    if (rule.then.priority) out.priority = std::max(out.priority, *rule.then.priority);
    for (const auto& f : rule.then.flags)
      if (!out.has_flag(f)) out.flags.push_back(f);
  }
  return out;
}

}  // namespace gateway::core
