#include "gateway/core/triage_rules.hpp"

#include "gateway/core/data_object.hpp"

#include <map>
#include <set>

namespace gateway::core {
namespace {

using rapidjson::Value;

// Flags and rule ids end up in events and logs; keep them to a safe token alphabet.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

result<comparison> parse_op(std::string_view op) {
  if (op == ">=") return comparison::ge;
  if (op == ">") return comparison::gt;
  if (op == "<=") return comparison::le;
  if (op == "<") return comparison::lt;
  if (op == "==") return comparison::eq;
  return make_error(error_kind::invalid, "", "expected one of >=, >, <=, <, ==");
}

result<numeric_test> read_numeric(data_object& object) {
  auto& r = object.reader();
  std::string op_text;
  r.read("op", op_text, true);
  if (auto problem = object.problem()) return *problem;
  auto op = parse_op(op_text);
  if (!op) return make_error(error_kind::invalid, r.path_of("op"), "'" + op_text + "' is not one of >=, >, <=, <, ==");
  double value = 0;
  if (!r.has("value")) r.fail("value", "missing");
  r.read("value", value);
  if (auto problem = object.problem()) return *problem;
  return numeric_test{*op, value};
}

result<value_test> read_value_test(data_object& object) {
  auto& r = object.reader();
  value_test t;
  const bool numeric = r.has("op") || r.has("value");
  const bool coded = r.has("valueCodes");
  if (numeric && coded)
    return make_error(error_kind::invalid, r.path_of("valueCodes"), "give either op/value or valueCodes, not both");
  if (numeric) {
    auto n = read_numeric(object);
    if (!n) return n.error();
    t.numeric = *n;
  } else if (coded) {
    r.read("valueCodes", t.codes, true);
    if (auto problem = object.problem()) return *problem;
  }
  return t;
}

// linkId -> the other linkIds senders use for that question.
using alias_map = std::map<std::string, std::vector<std::string>, std::less<>>;

result<alias_map> read_aliases(const Value* v, const std::string& path) {
  alias_map out;
  if (v == nullptr) return out;
  if (!v->IsObject()) return make_error(error_kind::invalid, path, "expected an object of linkId: [alias, ...]");
  for (auto m = v->MemberBegin(); m != v->MemberEnd(); ++m) {
    const std::string key(m->name.GetString(), m->name.GetStringLength());
    const std::string at = path + "." + key;
    if (!m->value.IsArray() || m->value.Empty())
      return make_error(error_kind::invalid, at, "expected a non-empty array of linkIds");
    std::vector<std::string> aliases;
    for (rapidjson::SizeType i = 0; i < m->value.Size(); ++i) {
      const Value& a = m->value[i];
      if (!a.IsString() || a.GetStringLength() == 0)
        return make_error(error_kind::invalid, at + "[" + std::to_string(i) + "]", "expected a non-empty string");
      aliases.emplace_back(a.GetString(), a.GetStringLength());
    }
    out.emplace(key, std::move(aliases));
  }
  return out;
}

result<condition> read_condition(const Value& v, const std::string& path, int depth, const alias_map& aliases);

result<std::vector<condition>> read_condition_list(const Value& v, const std::string& path, int depth,
                                                   const alias_map& aliases) {
  if (!v.IsArray() || v.Empty())
    return make_error(error_kind::invalid, path, "expected a non-empty array of conditions");
  std::vector<condition> out;
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    auto c = read_condition(v[i], path + "[" + std::to_string(i) + "]", depth + 1, aliases);
    if (!c) return c.error();
    out.push_back(std::move(*c));
  }
  return out;
}

result<condition> read_condition(const Value& v, const std::string& path, int depth, const alias_map& aliases) {
  if (depth > 16) return make_error(error_kind::invalid, path, "conditions nested too deeply");
  if (!v.IsObject() || v.MemberCount() != 1)
    return make_error(error_kind::invalid, path,
                      "expected an object with exactly one of reason, priority, age, observation, "
                      "answer, finding, all, any, none");
  const std::string kind(v.MemberBegin()->name.GetString(), v.MemberBegin()->name.GetStringLength());
  const Value& body = v.MemberBegin()->value;
  const std::string sub = path + "." + kind;

  if (kind == "all" || kind == "any" || kind == "none") {
    auto items = read_condition_list(body, sub, depth, aliases);
    if (!items) return items.error();
    if (kind == "all") return condition{all_of{std::move(*items)}};
    if (kind == "any") return condition{any_of{std::move(*items)}};
    return condition{none_of{std::move(*items)}};
  }

  data_object object(body, sub);
  if (auto problem = object.problem()) return *problem;
  auto& r = object.reader();
  condition out;
  if (kind == "reason") {
    reason_condition c;
    r.read("system", c.system);
    r.read("codes", c.codes, true);
    if (auto problem = object.problem()) return *problem;
    out.test = std::move(c);
  } else if (kind == "priority") {
    priority_condition c;
    std::vector<std::string> names;
    r.read("in", names, true);
    if (auto problem = object.problem()) return *problem;
    for (std::size_t i = 0; i < names.size(); ++i) {
      auto p = parse_request_priority(names[i]);
      if (!p)
        return make_error(error_kind::invalid, r.path_of("in") + "[" + std::to_string(i) + "]",
                          "'" + names[i] + "' is not one of routine, urgent, asap, stat");
      c.in.push_back(*p);
    }
    out.test = std::move(c);
  } else if (kind == "age") {
    auto n = read_numeric(object);
    if (!n) return n.error();
    out.test = age_condition{*n};
  } else if (kind == "observation") {
    observation_condition c;
    r.read("system", c.system);
    r.read("code", c.code, true);
    if (auto problem = object.problem()) return *problem;
    auto t = read_value_test(object);
    if (!t) return t.error();
    c.test = std::move(*t);
    out.test = std::move(c);
  } else if (kind == "answer") {
    answer_condition c;
    r.read("linkId", c.link_id, true);
    if (auto problem = object.problem()) return *problem;
    if (auto it = aliases.find(c.link_id); it != aliases.end()) c.aliases = it->second;
    auto t = read_value_test(object);
    if (!t) return t.error();
    c.test = std::move(*t);
    out.test = std::move(c);
  } else if (kind == "finding") {
    finding_condition c;
    r.read("system", c.system);
    r.read("codes", c.codes, true);
    if (auto problem = object.problem()) return *problem;
    out.test = std::move(c);
  } else {
    return make_error(error_kind::invalid, sub, "unknown condition");
  }
  r.finish();
  if (auto problem = object.problem()) return *problem;
  return out;
}

result<rule_action> read_action(const Value& v, const std::string& path) {
  data_object object(v, path);
  if (auto problem = object.problem()) return *problem;
  auto& r = object.reader();
  rule_action a;
  std::string step;
  r.read("step", step);
  if (auto problem = object.problem()) return *problem;
  if (r.has("step")) {
    if (!is_known_step(step))
      return make_error(error_kind::invalid, r.path_of("step"),
                        "'" + step + "' is not one of step-2, step-3, step-4, redirect");
    a.step = step;
  }
  std::string priority;
  r.read("priority", priority);
  if (auto problem = object.problem()) return *problem;
  if (r.has("priority")) {
    a.priority = parse_request_priority(priority);
    if (!a.priority)
      return make_error(error_kind::invalid, r.path_of("priority"),
                        "'" + priority + "' is not one of routine, urgent, asap, stat");
  }
  r.read("flags", a.flags, false);
  if (auto problem = object.problem()) return *problem;
  for (std::size_t i = 0; i < a.flags.size(); ++i)
    if (!is_token(a.flags[i]))
      return make_error(error_kind::invalid, r.path_of("flags") + "[" + std::to_string(i) + "]",
                        "expected lower-case letters, digits and '-'");
  r.finish();
  if (auto problem = object.problem()) return *problem;
  if (!a.step && !a.priority && a.flags.empty())
    return make_error(error_kind::invalid, path, "expected at least one of step, priority, flags");
  return a;
}

result<triage_rule> read_rule(const Value& v, const std::string& path, const alias_map& aliases) {
  data_object object(v, path);
  if (auto problem = object.problem()) return *problem;
  auto& r = object.reader();
  triage_rule rule;
  r.read("id", rule.id, true);
  if (auto problem = object.problem()) return *problem;
  if (!is_token(rule.id))
    return make_error(error_kind::invalid, r.path_of("id"), "expected lower-case letters, digits and '-'");
  r.read("description", rule.description);
  if (auto problem = object.problem()) return *problem;
  if (const Value* when = r.value("when")) {
    auto c = read_condition(*when, r.path_of("when"), 0, aliases);
    if (!c) return c.error();
    rule.when = std::move(*c);
  }
  const Value* then = r.value("then");
  if (then == nullptr) return make_error(error_kind::invalid, r.path_of("then"), "missing");
  auto action = read_action(*then, r.path_of("then"));
  if (!action) return action.error();
  rule.then = std::move(*action);
  r.finish();
  if (auto problem = object.problem()) return *problem;
  return rule;
}

}  // namespace

bool numeric_test::passes(double actual) const {
  switch (op) {
    case comparison::ge:
      return actual >= value;
    case comparison::gt:
      return actual > value;
    case comparison::le:
      return actual <= value;
    case comparison::lt:
      return actual < value;
    case comparison::eq:
      return actual == value;
  }
  return false;
}

bool is_known_step(std::string_view step) {
  return step == "step-2" || step == "step-3" || step == "step-4" || step == "redirect";
}

result<triage_rules> load_triage_rules(const Value& root) {
  data_object object(root, "");
  if (auto problem = object.problem()) return *problem;
  auto& r = object.reader();
  std::string description;
  r.read("description", description);
  const Value* alias_object = r.value("linkIdAliases");
  const Value* list = r.array("rules");
  if (list == nullptr && !r.has("rules")) r.fail("rules", "missing");
  r.finish();
  if (auto problem = object.problem()) return *problem;
  auto aliases = read_aliases(alias_object, "linkIdAliases");
  if (!aliases) return aliases.error();
  std::vector<triage_rule> rules;
  std::set<std::string, std::less<>> ids;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const std::string path = "rules[" + std::to_string(i) + "]";
    auto rule = read_rule((*list)[i], path, *aliases);
    if (!rule) return rule.error();
    if (!ids.insert(rule->id).second)
      return make_error(error_kind::invalid, path + ".id", "duplicate id '" + rule->id + "'");
    rules.push_back(std::move(*rule));
  }
  return triage_rules(std::move(rules));
}

result<triage_rules> load_triage_rules(std::string_view json_text) {
  auto doc = parse_json_text(json_text);
  if (!doc) return doc.error();
  return load_triage_rules(static_cast<const Value&>(*doc));
}

}  // namespace gateway::core
