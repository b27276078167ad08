// Evaluates the compiled constraints of an element or type on one item of the input and reports
// each that fails at its severity, with its key and the item's FHIRPath location.

#include <string>

#include "fhir/diagnostic_text.hpp"
#include "fhir/json_view.hpp"
#include "fhir/validation_context.hpp"

namespace fhir::detail {
namespace {

const rapidjson::Value* resolve_in_context(const void* state, std::string_view reference) {
  return resolve_reference(*static_cast<const walk_context*>(state), reference).target;
}

// Whether the object has a member named `name` (or a choice of it: value -> valueQuantity).
bool has_member_like(const rapidjson::Value& obj, std::string_view name) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    const std::string_view k = json::key_of(it);
    const std::string_view bare = !k.empty() && k[0] == '_' ? k.substr(1) : k;
    if (bare.size() >= name.size() && bare.compare(0, name.size(), name) == 0) return true;
  }
  return false;
}

// A Reference whose `reference` is exactly one string that does not start with '#'.
bool has_non_local_reference(const rapidjson::Value& v) {
  const rapidjson::Value* ref = nullptr;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    if (json::key_of(it) != "reference") continue;
    if (ref) return false;  // a repeated key: let the evaluator see both
    ref = &it->value;
  }
  return ref && ref->IsString() && (ref->GetStringLength() == 0 || ref->GetString()[0] != '#');
}

}  // namespace

bool passes_without_evaluation(const model& m, const invariant_def& d, const rapidjson::Value& v, type_index t) {
  if (!v.IsObject()) return false;
  if (!d.needs_one_of.empty()) {
    bool reads_one = false;
    for (std::size_t i = 0; i < d.needs_one_of.size() && !reads_one; ++i) {
      reads_one = has_member_like(v, d.needs_one_of[i]);
    }
    if (!reads_one) return true;
  }
  return d.fails_only_on_local_reference && t != no_type && m.type(t).checked_as == type_def::role::reference &&
         has_non_local_reference(v);
}

void check_invariants(walk_context& ctx, std::span<const invariant_def* const> list, const rapidjson::Value& v,
                      type_index t, const path_node& path) {
  if (list.empty()) return;
  fhirpath::environment env;
  env.m = &ctx.m;
  if (ctx.resource) env.resource = fhirpath::item::of_node(ctx.resource, ctx.resource_type);
  env.root_resource =
      ctx.container && ctx.container != ctx.resource
          ? fhirpath::item::of_node(ctx.container,
                                    ctx.m.find_resource_type(json::string_member(*ctx.container, "resourceType")))
          : env.resource;
  env.resolver = {&resolve_in_context, &ctx};
  env.html = &narrative_problem;
  const fhirpath::item focus = fhirpath::item::of_node(&v, t);
  fhirpath::evaluator& ev = fhirpath::thread_evaluator();
  for (const invariant_def* d : list) {
    if (ctx.sink.full()) return;
    if (d->how != invariant_def::check::fhirpath || passes_without_evaluation(ctx.m, *d, v, t)) continue;
    auto verdict = ev.check(d->compiled, env, focus);
    if (verdict && *verdict) continue;
    std::string text = "constraint " + std::string(d->key) + " failed: " + std::string(d->human);
    if (!verdict) {
      text = "constraint " + std::string(d->key) + " could not be evaluated (" + verdict.error().message +
             "): " + std::string(d->human);
    }
    ctx.sink.add(d->level, issue_code::invariant, std::move(text), &path);
  }
}

void check_contained_referenced(walk_context& ctx, const rapidjson::Value& resource, const path_node& path) {
  const rapidjson::Value* contained = json::member(resource, "contained");
  if (!contained || !contained->IsArray() || !ctx.local_refs) return;
  for (rapidjson::SizeType i = 0; i < contained->Size() && !ctx.sink.full(); ++i) {
    const rapidjson::Value& c = (*contained)[i];
    const std::string_view id = json::string_member(c, "id");
    const bool referenced = ctx.local_refs->any([&](const local_reference_log::entry& e) {
      return (!id.empty() && e.value.substr(1) == id) || (e.value == "#" && e.found_in == &c);
    });
    if (referenced) continue;
    path_node at{&path, "contained", static_cast<std::int64_t>(i)};
    ctx.sink.error(issue_code::invariant,
                   "constraint dom-3 failed: a contained resource must be referenced as #" +
                       std::string(id.empty() ? "id" : utf8_prefix(id, 64)) +
                       " from elsewhere in the resource (reference, canonical or uri), or refer to its container "
                       "with #",
                   &at);
  }
}

}  // namespace fhir::detail
