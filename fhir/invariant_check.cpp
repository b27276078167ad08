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

// True when the invariant cannot fail on `v` because `v` has none of the members it reads.
bool trivially_true(const invariant_def& d, const rapidjson::Value& v) {
  if (d.needs_one_of.empty() || !v.IsObject()) return false;
  for (std::string_view name : d.needs_one_of) {
    if (has_member_like(v, name)) return false;
  }
  return true;
}

}  // namespace

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
    if (d->how != invariant_def::check::fhirpath || trivially_true(*d, v)) continue;
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
