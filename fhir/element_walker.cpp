// The structural walk: every JSON member checked against the compiled element tree of its type
// (unknown elements, arrays, null/empty, cardinality, choice types, primitives, required
// bindings, fixed/pattern values), recursing into datatypes, backbones and nested resources.
// The hot path allocates nothing; strings are built only when an issue is reported.

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "fhir/diagnostic_text.hpp"
#include "fhir/json_view.hpp"
#include "fhir/primitive_values.hpp"
#include "fhir/validation_context.hpp"

namespace fhir::detail {
namespace {

using json_value = rapidjson::Value;

std::string quoted(std::string_view s) {
  return quote_value(s);
}

std::string describe_value_set(const element_def& e) {
  std::string out = "value set " + std::string(e.bound_set_url);
  // Listing a short value set lets the sender fix the message from the answer alone.
  if (e.bound_set && e.bound_set->includes.size() == 1 && e.bound_set->includes[0].codes &&
      e.bound_set->includes[0].codes->size() <= 12) {
    std::vector<std::string_view> codes(e.bound_set->includes[0].codes->begin(), e.bound_set->includes[0].codes->end());
    std::sort(codes.begin(), codes.end());
    out += " (allowed: ";
    for (std::size_t i = 0; i < codes.size(); ++i) out.append(i ? ", " : "").append(codes[i]);
    out += ")";
  }
  return out;
}

// JSON subset match for pattern[x]: every member of the pattern present with matching content.
bool matches_pattern(const json_value& pattern, const json_value& v) {
  if (pattern.IsObject()) {
    if (!v.IsObject()) return false;
    for (auto it = pattern.MemberBegin(); it != pattern.MemberEnd(); ++it) {
      const json_value* mv = json::member(v, json::key_of(it));
      if (!mv || !matches_pattern(it->value, *mv)) return false;
    }
    return true;
  }
  if (pattern.IsArray()) {
    if (!v.IsArray()) return false;
    for (const auto& p : pattern.GetArray()) {
      if (std::none_of(v.Begin(), v.End(), [&](const json_value& x) { return matches_pattern(p, x); })) return false;
    }
    return true;
  }
  return pattern == v;
}

void check_coded(walk_context& ctx, const element_def& e, const type_def& td, const json_value& v,
                 const path_node& path) {
  if (e.binding != binding_strength::required || e.bound_set == nullptr || !v.IsObject()) return;
  auto coding_ok = [&](const json_value& coding) {
    std::string_view code = json::string_member(coding, "code");
    return !code.empty() && e.bound_set->contains(json::string_member(coding, "system"), code);
  };
  if (td.checked_as == type_def::role::coding) {
    if (!json::string_member(v, "code").empty() && !coding_ok(v)) {
      ctx.sink.error(issue_code::code_invalid,
                     "the code " + quoted(json::string_member(v, "code")) + " with system " +
                         quoted(json::string_member(v, "system")) + " is not in the required " + describe_value_set(e),
                     &path);
    }
    return;
  }
  const json_value* codings = json::member(v, "coding");
  if (codings && codings->IsArray() && std::any_of(codings->Begin(), codings->End(), coding_ok)) return;
  ctx.sink.error(issue_code::code_invalid, "no coding is from the required " + describe_value_set(e), &path);
}

void walk_object(walk_context& ctx, type_index t, const json_value& obj, const path_node& path, bool is_resource);

void walk_item(walk_context& ctx, const element_def& e, type_index t, const json_value& v, const path_node& path) {
  const type_def& td = ctx.m.type(t);
  if (td.kind == type_kind::primitive) {
    std::string_view problem = check_primitive(td.primitive, v);
    if (!problem.empty()) {
      ctx.sink.error(issue_code::value, "the value " + std::string(problem) + " (type " + std::string(td.name) + ")",
                     &path);
      return;
    }
    if (v.IsString()) {
      std::string_view s = json::as_string(v);
      if (!s.empty() && s[0] == '#' && ctx.local_refs &&
          (td.primitive == primitive_kind::uri || td.primitive == primitive_kind::url ||
           td.primitive == primitive_kind::canonical || e.name == "reference")) {
        ctx.local_refs->add(s, ctx.resource);
      }
      if (td.primitive == primitive_kind::xhtml) {
        if (narrative_finding f = check_narrative_xhtml(s); !f.rule.empty()) {
          ctx.sink.error(issue_code::invariant, f.message + " (" + std::string(f.rule) + ")", &path);
        }
      }
      if (e.max_length != 0 && s.size() > e.max_length) {
        ctx.sink.error(issue_code::value, "the value is longer than " + std::to_string(e.max_length) + " characters",
                       &path);
      }
      if (td.primitive == primitive_kind::code && e.binding == binding_strength::required && e.bound_set &&
          !e.bound_set->contains({}, s)) {
        ctx.sink.error(issue_code::code_invalid,
                       "the code " + quoted(s) + " is not in the required " + describe_value_set(e), &path);
      }
    }
    check_invariants(ctx, e.invariants, v, t, path);
  } else if (td.kind == type_kind::resource) {
    walk_resource(ctx, v, td.is_abstract ? no_type : t, path, e.name == "contained");
    return;
  } else {
    if (!v.IsObject()) {
      ctx.sink.error(issue_code::structure, "expected a JSON object (type " + std::string(td.name) + ")", &path);
      return;
    }
    walk_object(ctx, t, v, path, false);
    if (td.checked_as == type_def::role::reference) check_reference(ctx, e, v, path);
    if (td.checked_as == type_def::role::coding || td.checked_as == type_def::role::codeable_concept) {
      check_coded(ctx, e, td, v, path);
    }
    if (t == ctx.m.known().extension) check_extension(ctx, e, v, path);
    if (t == ctx.m.known().coding) check_coding(ctx, v, path);
    if (td.is_quantity) check_quantity_system(ctx, v);
    if (td.checked_as == type_def::role::attachment) check_attachment(ctx, v, path);
    check_invariants(ctx, td.invariants, v, t, path);
    check_invariants(ctx, e.invariants, v, t, path);
  }
  if (e.fixed && !(*e.fixed == v)) {
    ctx.sink.error(issue_code::value, "the value must be exactly the fixed value of the profile", &path);
  } else if (e.pattern && !matches_pattern(*e.pattern, v)) {
    ctx.sink.error(issue_code::value, "the value does not match the pattern required by the profile", &path);
  }
}

// A primitive array may hold null where its "_name" twin holds the extension for that index.
bool null_allowed(const json_value* twin, rapidjson::SizeType i) {
  return twin && twin->IsArray() && i < twin->Size() && (*twin)[i].IsObject();
}

void walk_member(walk_context& ctx, const element_def& e, type_index t, const json_value& v, const path_node& path,
                 const json_value* twin) {
  if (v.IsNull()) {
    ctx.sink.error(issue_code::structure, "null is not allowed; leave the element out instead", &path);
    return;
  }
  if (!e.is_array) {
    if (v.IsArray()) {
      ctx.sink.error(issue_code::structure, "must be a single value, not an array (max cardinality 1)", &path);
      return;
    }
    walk_item(ctx, e, t, v, path);
    return;
  }
  if (!v.IsArray()) {
    ctx.sink.error(issue_code::structure,
                   "must be a JSON array (max cardinality " +
                       (e.max == unbounded ? std::string("*") : std::to_string(e.max)) + ")",
                   &path);
    return;
  }
  if (v.Empty()) {
    ctx.sink.error(issue_code::invariant, "empty arrays are not allowed; leave the element out instead (ele-1)", &path);
    return;
  }
  if (!e.types.empty() && e.types[0] == ctx.m.known().extension) check_extension_counts(ctx, v, path);
  for (rapidjson::SizeType i = 0; i < v.Size() && !ctx.sink.full(); ++i) {
    path_node item{path.parent, path.name, static_cast<std::int64_t>(i)};
    if (v[i].IsNull()) {
      if (!null_allowed(twin, i)) {
        ctx.sink.error(issue_code::structure,
                       "null is not allowed in an array unless its _" + std::string(path.name) +
                           " twin has an extension at the same index",
                       &item);
      }
      continue;
    }
    walk_item(ctx, e, t, v[i], item);
  }
}

// The "_name" part of a primitive: an Element (id, extension) or an array of them (or nulls).
void walk_primitive_extension(walk_context& ctx, const element_def& e, type_index t, const json_value& v,
                              const path_node& path, const json_value* value_twin) {
  if (e.is_array != v.IsArray()) {
    ctx.sink.error(issue_code::structure,
                   e.is_array ? "must be a JSON array matching its value array" : "must be a JSON object", &path);
    return;
  }
  if (!e.is_array) {
    walk_object(ctx, t, v, path, false);
    return;
  }
  if (value_twin && value_twin->IsArray() && value_twin->Size() != v.Size()) {
    ctx.sink.error(issue_code::structure, "must have as many items as its value array", &path);
  }
  for (rapidjson::SizeType i = 0; i < v.Size() && !ctx.sink.full(); ++i) {
    path_node item{path.parent, path.name, static_cast<std::int64_t>(i)};
    if (v[i].IsNull()) {
      if (!value_twin || !value_twin->IsArray() || i >= value_twin->Size() || (*value_twin)[i].IsNull()) {
        ctx.sink.error(issue_code::structure, "null here needs a value at the same index", &item);
      }
      continue;
    }
    walk_object(ctx, t, v[i], item, false);
  }
}

std::string suggest(const type_def& td, std::string_view key) {
  for (const member_table::entry& m : td.members.entries()) {
    const std::string_view name = m.name;
    if (name.size() == key.size() && std::equal(name.begin(), name.end(), key.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return " (did you mean '" + std::string(name) + "'?)";
    }
  }
  return {};
}

void walk_object(walk_context& ctx, type_index t, const json_value& obj, const path_node& path, bool is_resource) {
  const type_def& td = ctx.m.type(t);
  if (!obj.IsObject()) {
    ctx.sink.error(issue_code::structure, "expected a JSON object (type " + std::string(td.name) + ")", &path);
    return;
  }
  if (obj.MemberCount() == 0) {
    ctx.sink.error(issue_code::invariant, "empty objects are not allowed (ele-1)", &path);
    return;
  }
  // Per-element counts; a stack buffer covers every R4 type, the vector is a safety net. Only
  // the type's own slots are zeroed (most types have far fewer elements than the buffer).
  constexpr std::size_t stack_slots = 96;
  std::array<std::uint32_t, stack_slots> stack_counts;
  std::array<const char*, stack_slots> stack_choice;
  std::vector<std::uint32_t> heap_counts;
  std::vector<const char*> heap_choice;
  std::uint32_t* counts = stack_counts.data();
  const char** choice = stack_choice.data();
  if (td.elements.size() > stack_slots) {
    heap_counts.resize(td.elements.size());
    heap_choice.resize(td.elements.size());
    counts = heap_counts.data();
    choice = heap_choice.data();
  }
  std::fill_n(counts, td.elements.size(), 0u);
  std::fill_n(choice, td.elements.size(), nullptr);
  bool has_content = false;

  for (auto it = obj.MemberBegin(); it != obj.MemberEnd() && !ctx.sink.full(); ++it) {
    std::string_view key = json::key_of(it);
    if (is_resource && key == "resourceType") continue;
    path_node child{&path, key, -1};
    const member_slot* slot = td.find_member(key);
    if (slot == nullptr) {
      ctx.sink.error(issue_code::structure,
                     "unknown element " + quote_value(key) + " in " + std::string(td.name) + suggest(td, key), &child);
      continue;
    }
    const element_def& e = td.elements[slot->element];
    if (key != "id") has_content = true;
    if (slot->primitive_extension) {
      const json_value* value_twin = json::member(obj, key.substr(1));
      if (!value_twin) counts[slot->element] += it->value.IsArray() ? it->value.Size() : 1;
      walk_primitive_extension(ctx, e, slot->type, it->value, child, value_twin);
      continue;
    }
    if (e.is_choice) {
      if (choice[slot->element] != nullptr && key != choice[slot->element]) {
        ctx.sink.error(issue_code::structure,
                       "only one of " + std::string(e.name) + "[x] may be present (found '" +
                           std::string(choice[slot->element]) + "' too)",
                       &child);
        continue;
      }
      choice[slot->element] = it->name.GetString();
    }
    counts[slot->element] += it->value.IsArray() ? it->value.Size() : 1;
    const json_value* twin = nullptr;
    if (ctx.m.type(slot->type).kind == type_kind::primitive && e.is_array && it->value.IsArray()) {
      std::string twin_name = "_" + std::string(key);  // only for primitive arrays, which are rare
      twin = json::member(obj, twin_name);
    }
    walk_member(ctx, e, slot->type, it->value, child, twin);
  }
  if (!has_content && !is_resource && !ctx.sink.full()) {
    ctx.sink.error(issue_code::invariant, "an element must have a value or children other than id (ele-1)", &path);
  }
  for (std::uint32_t i = 0; i < td.elements.size() && !ctx.sink.full(); ++i) {
    const element_def& e = td.elements[i];
    if (counts[i] < e.min) {
      path_node missing{&path, e.name, -1};
      ctx.sink.error(issue_code::required,
                     "missing required element '" + std::string(e.name) + (e.is_choice ? "[x]" : "") + "'" +
                         (e.min > 1 ? " (at least " + std::to_string(e.min) + ")" : std::string()),
                     &missing);
    } else if (counts[i] > e.max) {
      path_node over{&path, e.name, -1};
      ctx.sink.error(
          issue_code::structure,
          "too many '" + std::string(e.name) + "': " + std::to_string(counts[i]) + ", at most " + std::to_string(e.max),
          &over);
    }
  }
}

}  // namespace

void walk_resource(walk_context& ctx, const json_value& resource, type_index profile, const path_node& path,
                   bool contained) {
  if (!resource.IsObject()) {
    ctx.sink.error(issue_code::structure, "a resource must be a JSON object", &path);
    return;
  }
  const json_value* rt = json::member(resource, "resourceType");
  if (rt == nullptr || !rt->IsString()) {
    ctx.sink.error(issue_code::structure, "the resource has no resourceType", &path);
    return;
  }
  const std::string_view type_name = json::as_string(*rt);
  type_index t = ctx.m.find_resource_type(type_name);
  if (t == no_type) {
    ctx.sink.error(issue_code::not_supported, "unknown resourceType " + quoted(type_name) + " (not an R4 resource)",
                   &path);
    return;
  }
  if (profile != no_type) {
    if (ctx.m.type(profile).name != type_name) {
      ctx.sink.error(issue_code::structure,
                     "expected a " + std::string(ctx.m.type(profile).name) + ", found " + quoted(type_name), &path);
      return;
    }
    t = profile;
  }
  // A top-level root path node names the type; nested resources extend their parent's path.
  walk_context inner = ctx;
  if (!contained) inner.container = &resource;
  inner.resource = &resource;
  inner.resource_type = t;
  inner.resource_path = &path;
  local_reference_log own_refs;
  unchecked_systems_log own_systems;
  if (!contained) {
    inner.local_refs = &own_refs;
    inner.unchecked_systems = &own_systems;
  }
  bundle_index own_index;
  if (type_name == "Bundle") {
    own_index = index_bundle(resource);
    inner.bundle = &own_index;
    inner.bundle_type = json::string_member(resource, "type");
  }
  walk_object(inner, t, resource, path, true);
  if (ctx.sink.full()) return;
  if (!contained && json::member(resource, "contained")) check_contained_referenced(inner, resource, path);
  if (!contained) own_systems.report(ctx.sink, path);
  const auto& invariants = ctx.m.type(t).invariants;
  if (!contained) {
    check_invariants(inner, invariants, resource, t, path);
  } else {
    // "Contained resources do not have narrative" (R4 DomainResource.text): dom-6 is for the
    // container only.
    for (const invariant_def* d : invariants) {
      if (d->key != "dom-6") check_invariants(inner, std::span<const invariant_def* const>(&d, 1), resource, t, path);
    }
  }
  if (type_name == "Bundle") check_bundle(inner, resource, path);
}

}  // namespace fhir::detail
