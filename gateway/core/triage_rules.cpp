#include "gateway/core/triage_rules.hpp"

#include "gateway/core/config_object_reader.hpp"

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

result<numeric_test> read_numeric(config_object_reader& r) {
  auto op_text = r.required_string("op");
  if (!op_text) return op_text.error();
  auto op = parse_op(*op_text);
  if (!op) return r.fail("op", "'" + *op_text + "' is not one of >=, >, <=, <, ==");
  auto value = r.required_number("value");
  if (!value) return value.error();
  return numeric_test{*op, *value};
}

result<value_test> read_value_test(config_object_reader& r) {
  value_test t;
  const bool numeric = r.has("op") || r.has("value");
  const bool coded = r.has("valueCodes");
  if (numeric && coded) return r.fail("valueCodes", "give either op/value or valueCodes, not both");
  if (numeric) {
    auto n = read_numeric(r);
    if (!n) return n.error();
    t.numeric = *n;
  } else if (coded) {
    auto codes = r.string_array("valueCodes", true);
    if (!codes) return codes.error();
    t.codes = std::move(*codes);
  }
  return t;
}

result<condition> read_condition(const Value& v, const std::string& path, int depth);

result<std::vector<condition>> read_condition_list(const Value& v, const std::string& path, int depth) {
  if (!v.IsArray() || v.Empty())
    return make_error(error_kind::invalid, path, "expected a non-empty array of conditions");
  std::vector<condition> out;
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    auto c = read_condition(v[i], path + "[" + std::to_string(i) + "]", depth + 1);
    if (!c) return c.error();
    out.push_back(std::move(*c));
  }
  return out;
}

result<condition> read_condition(const Value& v, const std::string& path, int depth) {
  if (depth > 16) return make_error(error_kind::invalid, path, "conditions nested too deeply");
  if (!v.IsObject() || v.MemberCount() != 1)
    return make_error(error_kind::invalid, path,
                      "expected an object with exactly one of reason, priority, age, observation, "
                      "answer, all, any, none");
  const std::string kind(v.MemberBegin()->name.GetString(), v.MemberBegin()->name.GetStringLength());
  const Value& body = v.MemberBegin()->value;
  const std::string sub = path + "." + kind;

  if (kind == "all" || kind == "any" || kind == "none") {
    auto items = read_condition_list(body, sub, depth);
    if (!items) return items.error();
    if (kind == "all") return condition{all_of{std::move(*items)}};
    if (kind == "any") return condition{any_of{std::move(*items)}};
    return condition{none_of{std::move(*items)}};
  }

  auto reader = config_object_reader::open(body, sub);
  if (!reader) return reader.error();
  auto& r = *reader;
  condition out;
  if (kind == "reason") {
    reason_condition c;
    auto system = r.optional_string("system");
    if (!system) return system.error();
    c.system = system->value_or("");
    auto codes = r.string_array("codes", true);
    if (!codes) return codes.error();
    c.codes = std::move(*codes);
    out.test = std::move(c);
  } else if (kind == "priority") {
    priority_condition c;
    auto names = r.string_array("in", true);
    if (!names) return names.error();
    for (std::size_t i = 0; i < names->size(); ++i) {
      auto p = parse_request_priority((*names)[i]);
      if (!p)
        return make_error(error_kind::invalid, r.path_of("in") + "[" + std::to_string(i) + "]",
                          "'" + (*names)[i] + "' is not one of routine, urgent, asap, stat");
      c.in.push_back(*p);
    }
    out.test = std::move(c);
  } else if (kind == "age") {
    auto n = read_numeric(r);
    if (!n) return n.error();
    out.test = age_condition{*n};
  } else if (kind == "observation") {
    observation_condition c;
    auto system = r.optional_string("system");
    if (!system) return system.error();
    c.system = system->value_or("");
    auto code = r.required_string("code");
    if (!code) return code.error();
    c.code = std::move(*code);
    auto t = read_value_test(r);
    if (!t) return t.error();
    c.test = std::move(*t);
    out.test = std::move(c);
  } else if (kind == "answer") {
    answer_condition c;
    auto link = r.required_string("linkId");
    if (!link) return link.error();
    c.link_id = std::move(*link);
    auto t = read_value_test(r);
    if (!t) return t.error();
    c.test = std::move(*t);
    out.test = std::move(c);
  } else {
    return make_error(error_kind::invalid, sub, "unknown condition");
  }
  if (auto done = r.finish(); !done) return done.error();
  return out;
}

result<rule_action> read_action(const Value& v, const std::string& path) {
  auto reader = config_object_reader::open(v, path);
  if (!reader) return reader.error();
  auto& r = *reader;
  rule_action a;
  auto step = r.optional_string("step");
  if (!step) return step.error();
  if (*step) {
    if (!is_known_step(**step))
      return r.fail("step", "'" + **step + "' is not one of step-2, step-3, step-4, redirect");
    a.step = **step;
  }
  auto priority = r.optional_string("priority");
  if (!priority) return priority.error();
  if (*priority) {
    a.priority = parse_request_priority(**priority);
    if (!a.priority) return r.fail("priority", "'" + **priority + "' is not one of routine, urgent, asap, stat");
  }
  auto flags = r.string_array("flags", false);
  if (!flags) return flags.error();
  for (std::size_t i = 0; i < flags->size(); ++i)
    if (!is_token((*flags)[i]))
      return make_error(error_kind::invalid, r.path_of("flags") + "[" + std::to_string(i) + "]",
                        "expected lower-case letters, digits and '-'");
  a.flags = std::move(*flags);
  if (auto done = r.finish(); !done) return done.error();
  if (!a.step && !a.priority && a.flags.empty())
    return make_error(error_kind::invalid, path, "expected at least one of step, priority, flags");
  return a;
}

result<triage_rule> read_rule(const Value& v, const std::string& path) {
  auto reader = config_object_reader::open(v, path);
  if (!reader) return reader.error();
  auto& r = *reader;
  triage_rule rule;
  auto id = r.required_string("id");
  if (!id) return id.error();
  if (!is_token(*id)) return r.fail("id", "expected lower-case letters, digits and '-'");
  rule.id = std::move(*id);
  auto description = r.optional_string("description");
  if (!description) return description.error();
  rule.description = description->value_or("");
  auto when = r.optional_member("when");
  if (!when) return when.error();
  if (*when) {
    auto c = read_condition(**when, r.path_of("when"), 0);
    if (!c) return c.error();
    rule.when = std::move(*c);
  }
  auto then = r.optional_member("then");
  if (!then) return then.error();
  if (!*then) return r.fail("then", "missing");
  auto action = read_action(**then, r.path_of("then"));
  if (!action) return action.error();
  rule.then = std::move(*action);
  if (auto done = r.finish(); !done) return done.error();
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
  auto reader = config_object_reader::open(root, "");
  if (!reader) return reader.error();
  auto& r = *reader;
  auto description = r.optional_string("description");
  if (!description) return description.error();
  auto list = r.required_array("rules");
  if (!list) return list.error();
  if (auto done = r.finish(); !done) return done.error();
  std::vector<triage_rule> rules;
  std::set<std::string, std::less<>> ids;
  for (rapidjson::SizeType i = 0; i < (*list)->Size(); ++i) {
    const std::string path = "rules[" + std::to_string(i) + "]";
    auto rule = read_rule((**list)[i], path);
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
