// Evaluates the compiled constraints of an element or type on one item of the input and reports
// each that fails at its severity, with its key and the item's FHIRPath location.

#include <string>

#include "fhir/json_view.hpp"
#include "fhir/validation_context.hpp"

namespace fhir::detail {
namespace {

const rapidjson::Value* resolve_in_context(const void* state, std::string_view reference) {
  return resolve_reference(*static_cast<const walk_context*>(state), reference).target;
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
    if (d->how != invariant_def::check::fhirpath) continue;
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

}  // namespace fhir::detail
