// Compiles the snapshot of a base StructureDefinition (datatype or resource) into type_defs:
// one for the type itself and one per backbone element, with contentReference resolved.

#include <cstdlib>
#include <unordered_map>

#include "fhir/json_view.hpp"
#include "fhir/model_builder.hpp"

namespace fhir {
namespace {

primitive_kind primitive_of(std::string_view name) {
  static const std::unordered_map<std::string_view, primitive_kind> kinds = {
      {"boolean", primitive_kind::boolean},
      {"integer", primitive_kind::integer},
      {"unsignedInt", primitive_kind::unsigned_int},
      {"positiveInt", primitive_kind::positive_int},
      {"decimal", primitive_kind::decimal},
      {"string", primitive_kind::string},
      {"code", primitive_kind::code},
      {"id", primitive_kind::id},
      {"markdown", primitive_kind::markdown},
      {"uri", primitive_kind::uri},
      {"url", primitive_kind::url},
      {"canonical", primitive_kind::canonical},
      {"oid", primitive_kind::oid},
      {"uuid", primitive_kind::uuid},
      {"base64Binary", primitive_kind::base64_binary},
      {"date", primitive_kind::date},
      {"dateTime", primitive_kind::date_time},
      {"instant", primitive_kind::instant},
      {"time", primitive_kind::time},
      {"xhtml", primitive_kind::xhtml},
  };
  auto it = kinds.find(name);
  return it == kinds.end() ? primitive_kind::string : it->second;
}

std::uint32_t parse_max(std::string_view max) {
  if (max == "*") return unbounded;
  std::uint32_t v = 0;
  for (char c : max) {
    if (c < '0' || c > '9') return unbounded;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return v;
}

// "System.String" types carry their FHIR type in an extension (Element.id is "string",
// Extension.url is "uri").
std::string_view fhir_type_of(const rapidjson::Value& type) {
  std::string_view code = json::string_member(type, "code");
  if (code.rfind("http://hl7.org/fhirpath/System.", 0) != 0) return code;
  if (const auto* exts = json::member(type, "extension"); exts && exts->IsArray()) {
    for (const auto& e : exts->GetArray()) {
      std::string_view v = json::string_member(e, "valueUrl");
      if (!v.empty()) return v;
    }
  }
  return "string";
}

}  // namespace

void model_builder::declare_type(const json_value& sd) {
  type_def t;
  t.name = json::string_member(sd, "type");
  t.url = json::string_member(sd, "url");
  std::string_view kind = json::string_member(sd, "kind");
  t.kind = kind == "primitive-type" ? type_kind::primitive
           : kind == "resource"     ? type_kind::resource
                                    : type_kind::complex;
  if (t.kind == type_kind::primitive) t.primitive = primitive_of(t.name);
  const auto* abstract = json::member(sd, "abstract");
  t.is_abstract = abstract && abstract->IsBool() && abstract->GetBool();
  type_index i = new_type(std::move(t));
  m_.types_by_name_[m_.types_[i].name] = i;
  m_.profiles_by_url_[m_.types_[i].url] = i;
}

boost::system::result<void, model_error> model_builder::compile_snapshot(const json_value& sd) {
  const type_index root = m_.find_type(json::string_member(sd, "type"));
  const bool is_resource = m_.types_[root].kind == type_kind::resource;
  const bool is_primitive = m_.types_[root].kind == type_kind::primitive;
  const auto* snapshot = json::member(sd, "snapshot");
  const auto* elements = snapshot ? json::member(*snapshot, "element") : nullptr;
  if (!elements || !elements->IsArray()) {
    return model_error{model_errc::bad_definition,
                       "StructureDefinition without snapshot: " + std::string(m_.types_[root].name)};
  }
  std::unordered_map<std::string_view, type_index> by_path;
  by_path[m_.types_[root].name] = root;
  struct pending_reference {
    type_index owner;
    std::uint32_t element;
    std::string_view target_path;
  };
  std::vector<pending_reference> pending;

  for (const auto& el : elements->GetArray()) {
    if (json::member(el, "sliceName")) continue;  // base definitions slice only extensions
    std::string_view path = json::string_member(el, "path");
    const auto dot = path.rfind('.');
    if (dot == std::string_view::npos) {  // the root element: constraints on every instance
      m_.types_[root].invariants = invariants_of(el, m_.types_[root].name);
      continue;
    }
    auto parent = by_path.find(path.substr(0, dot));
    if (parent == by_path.end()) continue;
    std::string_view name = path.substr(dot + 1);
    if (is_primitive && name == "value") continue;  // the JSON value itself, checked by kind

    element_def e;
    e.path = path;
    e.is_choice = name.size() > 3 && name.substr(name.size() - 3) == "[x]";
    e.name = e.is_choice ? name.substr(0, name.size() - 3) : name;
    if (const auto* mn = json::member(el, "min"); mn && mn->IsUint()) e.min = mn->GetUint();
    e.max = parse_max(json::string_member(el, "max"));
    e.is_array = e.max > 1;
    if (const auto* ml = json::member(el, "maxLength"); ml && ml->IsUint()) e.max_length = ml->GetUint();
    if (const auto* b = json::member(el, "binding")) apply_binding(e, *b);
    apply_fixed_and_pattern(e, el);
    e.invariants = invariants_of(el, path);

    const type_index owner = parent->second;
    const auto element_index = static_cast<std::uint32_t>(m_.types_[owner].elements.size());
    std::string_view content_ref = json::string_member(el, "contentReference");
    if (!content_ref.empty()) {
      pending.push_back({owner, element_index, content_ref.substr(content_ref.find('#') + 1)});
    }
    if (const auto* types = json::member(el, "type"); types && types->IsArray()) {
      for (const auto& ty : types->GetArray()) {
        std::string_view code = fhir_type_of(ty);
        if (is_resource && path.size() == m_.types_[root].name.size() + 3 && name == "id") code = "id";
        type_index ti = no_type;
        if (code == "BackboneElement" || (code == "Element" && m_.types_[root].name != "Element")) {
          type_def backbone;
          backbone.name = path;
          backbone.kind = type_kind::backbone;
          ti = new_type(std::move(backbone));
          by_path[path] = ti;
        } else {
          ti = m_.find_type(code);
        }
        if (ti == no_type) {
          return model_error{model_errc::unknown_base,
                             "unknown type " + std::string(code) + " at " + std::string(path)};
        }
        e.types.push_back(ti);
        if (code == "Reference") apply_target_profiles(e, ty);
        add_profile_invariants(e, ty);  // SimpleQuantity, MoneyQuantity
      }
    }
    m_.types_[owner].elements.push_back(std::move(e));
    if (content_ref.empty()) add_member_names(m_.types_[owner], element_index);
  }
  for (const pending_reference& p : pending) {
    auto target = by_path.find(p.target_path);
    if (target == by_path.end()) {
      return model_error{model_errc::bad_definition, "unresolved contentReference " + std::string(p.target_path)};
    }
    m_.types_[p.owner].elements[p.element].types = {target->second};
    add_member_names(m_.types_[p.owner], p.element);
  }
  return {};
}

}  // namespace fhir
