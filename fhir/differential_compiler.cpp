// Compiles a constraining StructureDefinition (a profile with a differential) into a copy of its
// base type with the constraints applied. Types reached through a constrained path (for example
// Identifier under ServiceRequest.identifier.system) are copied too, so the base stays untouched.
// Supported in a differential: min, max, binding, type[].targetProfile, fixed[x], pattern[x].

#include <cstdlib>
#include <string>
#include <unordered_set>

#include "fhir/json_view.hpp"
#include "fhir/model_builder.hpp"

namespace fhir {
namespace {

std::uint32_t find_element(const type_def& t, std::string_view name) {
  if (name.size() > 3 && name.substr(name.size() - 3) == "[x]") name.remove_suffix(3);
  for (std::uint32_t i = 0; i < t.elements.size(); ++i) {
    if (t.elements[i].name == name) return i;
  }
  return UINT32_MAX;
}

}  // namespace

boost::system::result<void, model_error> model_builder::compile_differential(const json_value& sd) {
  std::string_view url = json::string_member(sd, "url");
  const type_index base = m_.find_profile(json::string_member(sd, "baseDefinition"));
  if (base == no_type) {
    return model_error{model_errc::unknown_base, "profile " + std::string(url) + ": unknown baseDefinition"};
  }
  type_def copy = m_.types_[base];
  copy.url = url;
  const type_index root = new_type(std::move(copy));
  m_.profiles_by_url_[url] = root;
  std::unordered_set<type_index> owned{root};

  const auto* differential = json::member(sd, "differential");
  const auto* elements = differential ? json::member(*differential, "element") : nullptr;
  if (!elements || !elements->IsArray()) return {};
  for (const auto& el : elements->GetArray()) {
    if (json::member(el, "sliceName")) {
      // A named extension slice declares an extension the profile's system understands.
      const std::string_view path = json::string_member(el, "path");
      const auto* types = json::member(el, "type");
      if ((path.ends_with(".extension") || path.ends_with(".modifierExtension")) && types && types->IsArray()) {
        for (const auto& ty : types->GetArray()) {
          const auto* profiles = json::member(ty, "profile");
          if (!profiles || !profiles->IsArray()) continue;
          for (const auto& p : profiles->GetArray())
            m_.types_[root].understood_extensions.push_back(json::as_string(p));
        }
      }
      continue;
    }
    std::string_view path = json::string_member(el, "path");
    const auto first_dot = path.find('.');
    if (first_dot == std::string_view::npos) continue;
    std::string_view rest = path.substr(first_dot + 1);
    type_index current = root;
    // Walk down, copying each shared type on the way so the constraint stays in this profile.
    for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      const std::uint32_t idx = find_element(m_.types_[current], rest.substr(0, dot));
      if (idx == UINT32_MAX || m_.types_[current].elements[idx].types.empty()) {
        return model_error{model_errc::bad_definition,
                           "profile " + std::string(url) + ": no element " + std::string(path)};
      }
      type_index child = m_.types_[current].elements[idx].types.front();
      if (!owned.count(child)) {
        type_def child_copy = m_.types_[child];
        const type_index copied = new_type(std::move(child_copy));
        owned.insert(copied);
        m_.types_[current].elements[idx].types = {copied};
        for (member_table::entry& m : m_.types_[current].members.entries()) {
          if (m.slot.element == idx) m.slot.type = copied;
        }
        child = copied;
      }
      current = child;
      rest.remove_prefix(dot + 1);
    }
    const std::uint32_t idx = find_element(m_.types_[current], rest);
    if (idx == UINT32_MAX) {
      return model_error{model_errc::bad_definition,
                         "profile " + std::string(url) + ": no element " + std::string(path)};
    }
    element_def& e = m_.types_[current].elements[idx];
    if (const auto* mn = json::member(el, "min"); mn && mn->IsUint()) e.min = mn->GetUint();
    if (std::string_view max = json::string_member(el, "max"); !max.empty()) {
      e.max = max == "*" ? unbounded : static_cast<std::uint32_t>(std::strtoul(std::string(max).c_str(), nullptr, 10));
    }
    if (const auto* b = json::member(el, "binding")) {
      apply_binding(e, *b);
      if (e.binding == binding_strength::required && e.bound_set == nullptr) {
        return model_error{model_errc::bad_definition,
                           "profile " + std::string(url) + ": unknown value set " + std::string(e.bound_set_url)};
      }
    }
    apply_fixed_and_pattern(e, el);
    if (const auto* types = json::member(el, "type"); types && types->IsArray()) {
      for (const auto& ty : types->GetArray()) {
        if (json::member(ty, "targetProfile")) {
          e.target_types.clear();
          apply_target_profiles(e, ty);
        }
      }
    }
  }
  return {};
}

}  // namespace fhir
