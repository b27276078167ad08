// Reads extension StructureDefinitions (the 786 of R4 in definitions/extension-definitions.json,
// and any a profile bundle adds) into extension_defs: URL, modifier or not, contexts, root
// cardinality, the allowed value[x] types, and for complex extensions the nested slices.

#include <cstdlib>
#include <string>

#include "fhir/json_view.hpp"
#include "fhir/model_builder.hpp"

namespace fhir {
namespace {

std::uint32_t max_of(std::string_view max) {
  if (max == "*" || max.empty()) return unbounded;
  return static_cast<std::uint32_t>(std::strtoul(std::string(max).c_str(), nullptr, 10));
}

std::string_view strip_version(std::string_view url) {
  return url.substr(0, url.find('|'));
}

}  // namespace

void model_builder::add_extension(const json_value& sd) {
  extension_def& x = m_.extension_storage_.emplace_back();
  x.url = strip_version(json::string_member(sd, "url"));
  if (const auto* contexts = json::member(sd, "context"); contexts && contexts->IsArray()) {
    for (const auto& c : contexts->GetArray()) x.contexts.push_back(json::string_member(c, "expression"));
  }
  const auto* snapshot = json::member(sd, "snapshot");
  const auto* elements = snapshot ? json::member(*snapshot, "element") : nullptr;
  if (!elements || !elements->IsArray()) return;
  auto value_types = [&](const json_value& el) {
    std::vector<type_index> out;
    if (json::string_member(el, "max") == "0") return out;
    if (const auto* types = json::member(el, "type"); types && types->IsArray()) {
      for (const auto& t : types->GetArray()) {
        const type_index ti = m_.find_type(json::string_member(t, "code"));
        if (ti != no_type) out.push_back(ti);
      }
    }
    return out;
  };
  for (const auto& el : elements->GetArray()) {
    const std::string_view id = json::string_member(el, "id");
    if (id == "Extension") {
      if (const auto* mn = json::member(el, "min"); mn && mn->IsUint()) x.min = mn->GetUint();
      x.max = max_of(json::string_member(el, "max"));
      const auto* mod = json::member(el, "isModifier");
      x.is_modifier = mod && mod->IsBool() && mod->GetBool();
    } else if (id == "Extension.value[x]") {
      x.value_types = value_types(el);
      if (const auto* b = json::member(el, "binding"); b && json::string_member(*b, "strength") == "required") {
        x.value_binding = m_.find_value_set(strip_version(json::string_member(*b, "valueSet")));
      }
    } else if (id.rfind("Extension.extension:", 0) == 0) {
      std::string_view rest = id.substr(20);
      const auto dot = rest.find('.');
      const std::string_view slice_name = rest.substr(0, dot);
      if (x.slices.empty() || dot == std::string_view::npos) {
        if (dot == std::string_view::npos) {
          extension_def::slice s;
          s.url = slice_name;
          if (const auto* mn = json::member(el, "min"); mn && mn->IsUint()) s.min = mn->GetUint();
          s.max = max_of(json::string_member(el, "max"));
          x.slices.push_back(std::move(s));
        }
        continue;
      }
      const std::string_view field = rest.substr(dot + 1);
      if (field == "url") {
        const std::string_view fixed = json::string_member(el, "fixedUri");
        if (!fixed.empty()) x.slices.back().url = fixed;
      } else if (field == "value[x]") {
        x.slices.back().value_types = value_types(el);
      }
    }
  }
  m_.extensions_[x.url] = &x;
}

const extension_def* model::find_extension(std::string_view url) const {
  auto it = extensions_.find(strip_version(url));
  return it == extensions_.end() ? nullptr : it->second;
}

}  // namespace fhir
