// Compiles the `constraint`s of the definitions into invariant_defs: each distinct key +
// expression once, its FHIRPath compiled at load. ele-1 (structural walk) and txt-1/txt-2
// (narrative checker) are checked natively; an expression that does not compile is kept as
// not evaluable with the compiler's reason, never dropped.

#include <string>

#include "fhir/fhirpath/ast.hpp"
#include "fhir/json_view.hpp"
#include "fhir/model_builder.hpp"

namespace fhir {
namespace {

// The member names an expression reads from its focus, when that is the only way it depends on
// the focus: no %resource/%context, $this, children()/descendants(), resolve(), extension(), and
// no type-name root ("Appointment.status"). Empty when the expression does not qualify.
std::vector<std::string_view> focus_members(const fhirpath::expression& e) {
  using fhirpath::fn;
  using fhirpath::op;
  std::vector<std::string_view> names;
  for (std::uint32_t i = 0; i < e.node_count(); ++i) {
    const fhirpath::node& n = e.at(i);
    if (n.kind == op::this_ || n.kind == op::index_ || n.kind == op::total_) return {};
    if (n.kind == op::constant && (n.text == "resource" || n.text == "rootResource" || n.text == "context")) return {};
    if (n.kind == op::call &&
        (n.function == fn::children || n.function == fn::descendants || n.function == fn::resolve ||
         n.function == fn::extension || n.function == fn::html_checks || n.function == fn::has_value)) {
      return {};
    }
    if (n.kind == op::member && n.lhs == fhirpath::no_node) {
      if (n.text.empty() || (n.text[0] >= 'A' && n.text[0] <= 'Z')) return {};
      names.push_back(n.text);
    }
  }
  // Type arguments (ofType(X)) are member nodes too; harmless extra names.
  return names;
}

}  // namespace

void model_builder::find_invariant_shortcuts() {
  // Evaluate each qualifying expression on an empty object: if that passes, any object without
  // the members it reads passes too.
  const rapidjson::Value empty_object(rapidjson::kObjectType);
  fhirpath::environment env;
  env.m = &m_;
  fhirpath::evaluator ev;
  for (invariant_def& d : m_.invariants_) {
    if (d.how != invariant_def::check::fhirpath) continue;
    std::vector<std::string_view> names = focus_members(d.compiled);
    if (names.empty()) continue;
    auto verdict = ev.check(d.compiled, env, fhirpath::item::of_node(&empty_object, no_type));
    if (verdict && *verdict) d.needs_one_of = std::move(names);
  }
}

const invariant_def* model_builder::intern_invariant(const json_value& c, std::string_view source) {
  const std::string_view key = json::string_member(c, "key");
  const std::string_view expr = json::string_member(c, "expression");
  std::string id(key);
  id.append("\n").append(expr);
  if (auto it = invariants_by_text_.find(id); it != invariants_by_text_.end()) return it->second;
  invariant_def& d = m_.invariants_.emplace_back();
  d.key = key;
  d.level = json::string_member(c, "severity") == "warning" ? severity::warning : severity::error;
  d.human = json::string_member(c, "human");
  d.expression_text = expr;
  d.source = source;
  if (key == "ele-1") {
    d.how = invariant_def::check::native;
    d.reason = "checked by the structural walk (no null, empty string, {} or [], children other than id)";
  } else if (key == "dom-3") {
    // Its expression walks every descendant of the resource for each contained one (5 us on the
    // referral); the structural walk already visits each reference, canonical, uri and url with
    // its type, so it logs the "#..." values and dom-3 is decided from that log. The FHIRPath
    // form still compiles (it must), and a unit test holds both to the same answers.
    d.how = invariant_def::check::native;
    d.reason = "checked from the #id references the structural walk logs (reference, canonical, uri, url)";
    if (auto compiled = fhirpath::compile(expr)) d.compiled = std::move(*compiled);
  } else if (key == "txt-1" || key == "txt-2") {
    d.how = invariant_def::check::native;
    d.reason = "htmlChecks(): checked by the XHTML narrative checker (fhir/narrative_check.cpp)";
  } else if (expr.empty()) {
    d.how = invariant_def::check::not_evaluable;
    d.reason = "the definition gives no FHIRPath expression";
  } else if (auto compiled = fhirpath::compile(expr)) {
    d.compiled = std::move(*compiled);
    // Only this exact text: a changed expression is evaluated in full (and the unit test that
    // holds the shortcut to the evaluator's verdicts fails until it is looked at again).
    d.fails_only_on_local_reference =
        key == "ref-1" && expr ==
                              "reference.startsWith('#').not() or (reference.substring(1).trace('url') in "
                              "%rootResource.contained.id.trace('ids'))";
  } else {
    d.how = invariant_def::check::not_evaluable;
    d.reason = compiled.error().message;
  }
  invariants_by_text_.emplace(std::move(id), &d);
  return &d;
}

std::vector<const invariant_def*> model_builder::invariants_of(const json_value& element, std::string_view source) {
  std::vector<const invariant_def*> out;
  const auto* constraints = json::member(element, "constraint");
  if (!constraints || !constraints->IsArray()) return out;
  for (const auto& c : constraints->GetArray()) {
    const invariant_def* d = intern_invariant(c, source);
    bool seen = false;
    for (const invariant_def* x : out) seen = seen || x->key == d->key;
    if (!seen) out.push_back(d);
  }
  return out;
}

void model_builder::add_profile_invariants(element_def& e, const json_value& type) {
  const auto* profiles = json::member(type, "profile");
  if (!profiles || !profiles->IsArray()) return;
  for (const auto& p : profiles->GetArray()) {
    auto it = profile_roots_.find(json::as_string(p));
    if (it == profile_roots_.end()) continue;
    for (const invariant_def* d : invariants_of(*it->second, json::as_string(p))) {
      bool seen = false;
      for (const invariant_def* x : e.invariants) seen = seen || x->key == d->key;
      if (!seen) e.invariants.push_back(d);
    }
  }
}

void model_builder::index_profile_roots() {
  for (const auto* sd : profiles_) {
    const auto* snapshot = json::member(*sd, "snapshot");
    const auto* elements = snapshot ? json::member(*snapshot, "element") : nullptr;
    if (elements && elements->IsArray() && !elements->Empty()) {
      profile_roots_[json::string_member(*sd, "url")] = &(*elements)[0];
    }
  }
}

void model_builder::finish_invariants() {
  // An element's constraints repeat those of its type's definition (ext-1 on every extension
  // element); keep each once, on the type. Native ones need no evaluation from here.
  for (type_def& t : m_.types_) {
    std::erase_if(t.invariants, [](const invariant_def* d) { return d->how == invariant_def::check::native; });
    for (element_def& e : t.elements) {
      std::erase_if(e.invariants, [&](const invariant_def* d) {
        if (d->how == invariant_def::check::native) return true;
        if (e.types.empty()) return false;
        for (type_index ti : e.types) {
          bool on_type = false;
          for (const invariant_def* x : m_.types_[ti].invariants) on_type = on_type || x->key == d->key;
          if (!on_type) return false;
        }
        return true;
      });
    }
  }
}

}  // namespace fhir
