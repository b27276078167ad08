// Reference checks: the form of Reference.reference (relative Type/id, absolute URL, urn:uuid,
// urn:oid, #contained), agreement with
// Reference.type, and that the target type is one the element's targetProfile allows.

#include "fhir/diagnostic_text.hpp"
#include "fhir/json_view.hpp"
#include "fhir/primitive_values.hpp"
#include "fhir/validation_context.hpp"

namespace fhir::detail {
namespace {

using json_value = rapidjson::Value;

const json_value* find_contained(const json_value* container, std::string_view id) {
  if (!container) return nullptr;
  const json_value* contained = json::member(*container, "contained");
  if (!contained || !contained->IsArray()) return nullptr;
  for (const auto& r : contained->GetArray()) {
    if (json::string_member(r, "id") == id) return &r;
  }
  return nullptr;
}

// "Type/id" or "Type/id/_history/vid" at the end of `s`; returns Type or empty.
std::string_view trailing_type(const model& m, std::string_view s) {
  if (auto h = s.find("/_history/"); h != std::string_view::npos) s = s.substr(0, h);
  const auto slash = s.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return {};
  std::string_view type = s.substr(0, slash);
  if (auto prev = type.rfind('/'); prev != std::string_view::npos) type = type.substr(prev + 1);
  return m.find_resource_type(type) != no_type ? type : std::string_view{};
}

std::string allowed_list(const model& m, const element_def& e) {
  std::string out;
  for (type_index t : e.target_types) out.append(out.empty() ? "" : ", ").append(m.type(t).name);
  return out;
}

}  // namespace

resolved_reference resolve_reference(const walk_context& ctx, std::string_view ref) {
  resolved_reference r;
  if (ref.empty()) return r;
  if (ref[0] == '#') {
    if (ref.size() == 1) {  // "#": the containing resource itself
      r.target = ctx.container;
    } else {
      r.target = find_contained(ctx.container, ref.substr(1));
    }
    if (r.target) r.type = json::string_member(*r.target, "resourceType");
    return r;
  }
  if (ctx.bundle) {
    if (auto it = ctx.bundle->find(ref); it != ctx.bundle->end()) {
      r.target = it->second;
      r.type = json::string_member(*it->second, "resourceType");
      return r;
    }
  }
  if (ref.rfind("urn:", 0) == 0) return r;
  const auto q = ref.find('?');  // conditional reference (transactions): Type?search
  if (q != std::string_view::npos) {
    std::string_view type = ref.substr(0, q);
    if (ctx.m.find_resource_type(type) != no_type) r.type = type;
    return r;
  }
  r.type = trailing_type(ctx.m, ref);
  if (!r.type.empty() && ctx.bundle && ref.find("://") == std::string_view::npos) {
    // Relative references inside a Bundle resolve against entries whose fullUrl ends the same way.
    for (const auto& [url, res] : *ctx.bundle) {
      if (url.size() > ref.size() && url.substr(url.size() - ref.size()) == ref &&
          url[url.size() - ref.size() - 1] == '/') {
        r.target = res;
        break;
      }
    }
  }
  return r;
}

void check_reference(walk_context& ctx, const element_def& e, const json_value& ref_obj, const path_node& path) {
  const json_value* ref_value = json::member(ref_obj, "reference");
  const std::string_view declared_type = json::string_member(ref_obj, "type");
  std::string_view type;
  if (ref_value && ref_value->IsString()) {
    const std::string_view ref = json::as_string(*ref_value);
    path_node at{&path, "reference", -1};
    if (ref.empty() || !is_valid_uri(ref)) return;  // reported as a bad string already
    if (ref[0] == '#') {
      resolved_reference r = resolve_reference(ctx, ref);
      if (!r.target) return;  // ref-1, an invariant of Reference
      type = r.type;
    } else if (ref.rfind("urn:uuid:", 0) == 0) {
      if (!is_valid_uuid(ref)) {
        // R4 types Reference.reference as a string, so a malformed UUID is not an error of the
        // resource; it is still worth telling the sender (published examples carry such ones).
        ctx.sink.add(severity::warning, issue_code::value,
                     "a urn:uuid reference should be urn:uuid: and a lower-case UUID", &at);
        return;
      }
      resolved_reference r = resolve_reference(ctx, ref);
      if (!r.target && ctx.bundle) {
        // A transaction cannot be applied with a dangling urn:uuid; elsewhere a reader may still
        // find the resource, so the sender is told without refusing the Bundle.
        ctx.sink.add(ctx.bundle_type == "transaction" ? severity::error : severity::warning, issue_code::not_found,
                     "no entry of this Bundle has fullUrl " + quote_value(ref, 100), &at);
      }
      type = r.type;
    } else if (ref.rfind("urn:oid:", 0) == 0) {
      if (!is_valid_oid(ref)) ctx.sink.error(issue_code::value, "not a valid urn:oid reference", &at);
    } else {
      type = resolve_reference(ctx, ref).type;
      const bool absolute = ref.find("://") != std::string_view::npos;
      if (!absolute && type.empty()) {
        // Legal as a relative URL, but no server could resolve it: warn, do not refuse.
        ctx.sink.add(severity::warning, issue_code::value,
                     "a relative reference should be ResourceType/id with an R4 "
                     "resource type, or use an absolute URL, urn:uuid: or #contained",
                     &at);
        return;
      }
      if (!absolute) {
        std::string_view id = ref.substr(type.size() + 1);
        if (auto h = id.find("/_history/"); h != std::string_view::npos) id = id.substr(0, h);
        if (id.find('?') == std::string_view::npos && ref[type.size()] == '/' && !is_valid_id(id)) {
          ctx.sink.add(severity::warning, issue_code::value, "the id part of the reference is not a valid id", &at);
        }
      }
    }
  }
  if (!declared_type.empty() && ctx.m.find_resource_type(declared_type) == no_type &&
      declared_type.find("://") == std::string_view::npos) {
    path_node at{&path, "type", -1};
    ctx.sink.add(severity::warning, issue_code::code_invalid, "Reference.type is not an R4 resource type", &at);
  }
  if (!declared_type.empty() && !type.empty() && declared_type != type) {
    path_node at{&path, "type", -1};
    ctx.sink.error(issue_code::invariant,
                   "Reference.type " + std::string(declared_type) + " does not match the referenced resource type " +
                       std::string(type),
                   &at);
  }
  if (type.empty()) type = declared_type;
  if (type.empty() || e.target_types.empty()) return;
  for (type_index t : e.target_types) {
    if (ctx.m.type(t).name == type) return;
  }
  ctx.sink.error(issue_code::structure,
                 "this reference points to a " + std::string(type) +
                     ", which is not allowed here (allowed: " + allowed_list(ctx.m, e) + ")",
                 &path);
}

}  // namespace fhir::detail
