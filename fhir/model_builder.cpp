#include "fhir/model_builder.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "fhir/json_parse.hpp"
#include "fhir/json_view.hpp"

namespace fhir {
namespace {

std::string_view strip_version(std::string_view canonical) {
  return canonical.substr(0, canonical.find('|'));
}

void flatten_concepts(const rapidjson::Value& concepts, std::unordered_set<std::string_view>& out) {
  if (!concepts.IsArray()) return;
  for (const auto& c : concepts.GetArray()) {
    std::string_view code = json::string_member(c, "code");
    if (!code.empty()) out.insert(code);
    // CodeSystems nest a few levels at most (definitions, not user input).
    if (const auto* nested = json::member(c, "concept")) flatten_concepts(*nested, out);
  }
}

void flatten_displays(const rapidjson::Value& concepts, model::code_displays& out, int depth = 0) {
  if (!concepts.IsArray() || depth > 32) return;
  for (const auto& c : concepts.GetArray()) {
    std::string_view code = json::string_member(c, "code");
    if (!code.empty()) out.emplace(code, json::string_member(c, "display"));
    if (const auto* nested = json::member(c, "concept")) flatten_displays(*nested, out, depth + 1);
  }
}

}  // namespace

boost::system::result<void, model_error> model_builder::add_source(std::string_view text) {
  json_limits limits;
  limits.max_bytes = 64u * 1024u * 1024u;
  auto parsed = parse_json(text, limits);
  if (!parsed) return model_error{model_errc::bad_json, "definition source: " + parsed.error().message};
  m_.sources_.push_back(std::make_unique<rapidjson::Document>(std::move(*parsed)));
  const rapidjson::Value& root = *m_.sources_.back();
  if (json::string_member(root, "resourceType") == "Bundle") {
    const auto* entries = json::member(root, "entry");
    if (entries && entries->IsArray()) {
      for (const auto& e : entries->GetArray()) {
        if (const auto* r = json::member(e, "resource")) collect(*r);
      }
    }
  } else {
    collect(root);
  }
  return {};
}

void model_builder::collect(const json_value& resource) {
  std::string_view type = json::string_member(resource, "resourceType");
  if (type == "CodeSystem") code_systems_.push_back(&resource);
  if (type == "ValueSet") value_sets_.push_back(&resource);
  if (type == "StructureDefinition") {
    const bool constraint = json::string_member(resource, "derivation") == "constraint";
    if (constraint && json::string_member(resource, "type") == "Extension") {
      extensions_.push_back(&resource);
    } else {
      (constraint ? profiles_ : base_definitions_).push_back(&resource);
    }
  }
}

void model_builder::add_code_system(const json_value& cs) {
  auto& codes = m_.code_systems_storage_.emplace_back();
  if (const auto* concepts = json::member(cs, "concept")) flatten_concepts(*concepts, codes);
  auto& displays = m_.displays_storage_.emplace_back();
  if (const auto* concepts = json::member(cs, "concept")) flatten_displays(*concepts, displays);
  m_.code_system_displays_[json::string_member(cs, "url")] = &displays;
  m_.code_systems_[json::string_member(cs, "url")] = &codes;
}

void model_builder::add_value_set(const json_value& vs) {
  value_set& set = m_.value_sets_storage_.emplace_back();
  set.url = json::string_member(vs, "url");
  const auto* compose = json::member(vs, "compose");
  const auto* includes = compose ? json::member(*compose, "include") : nullptr;
  if (includes && includes->IsArray()) {
    for (const auto& inc : includes->GetArray()) {
      value_set::include out;
      out.system = json::string_member(inc, "system");
      if (const auto* concepts = json::member(inc, "concept")) {
        auto& own_codes = m_.code_systems_storage_.emplace_back();
        flatten_concepts(*concepts, own_codes);
        out.codes = &own_codes;
      } else if (!json::member(inc, "filter") && !json::member(inc, "valueSet")) {
        auto it = m_.code_systems_.find(out.system);
        out.codes = it == m_.code_systems_.end() ? nullptr : it->second;
      }
      set.includes.push_back(out);
    }
  }
  m_.value_sets_[set.url] = &set;
}

boost::system::result<void, model_error> model_builder::build() {
  for (const auto* cs : code_systems_) add_code_system(*cs);
  for (const auto* vs : value_sets_) add_value_set(*vs);
  for (const auto* sd : base_definitions_) declare_type(*sd);
  index_profile_roots();
  for (const auto* sd : base_definitions_) {
    if (auto r = compile_snapshot(*sd); !r) return r;
  }
  auto& k = m_.known_;
  k.reference = m_.find_type("Reference");
  k.extension = m_.find_type("Extension");
  k.coding = m_.find_type("Coding");
  k.codeable_concept = m_.find_type("CodeableConcept");
  k.bundle = m_.find_type("Bundle");
  k.resource = m_.find_type("Resource");
  k.string = m_.find_type("string");
  k.element = m_.find_type("Element");
  finish_invariants();
  find_invariant_shortcuts();
  for (type_def& t : m_.types_) t.answers_to = type_names_of(t);
  for (const auto* sd : profiles_) {
    if (auto r = compile_differential(*sd); !r) return r;
  }
  for (const auto* sd : extensions_) add_extension(*sd);
  return {};
}

std::vector<std::string_view> model_builder::type_names_of(type_def& t) {
  static constexpr std::string_view quantities[] = {"Quantity", "Age",           "Distance",      "Duration",
                                                    "Count",    "MoneyQuantity", "SimpleQuantity"};
  std::vector<std::string_view> names{t.name};
  switch (t.kind) {
    case type_kind::resource:
      if (t.name != "Bundle" && t.name != "Binary" && t.name != "Parameters") names.push_back("DomainResource");
      names.push_back("Resource");
      return names;
    case type_kind::backbone:
      names = {"BackboneElement", "Element"};
      return names;
    case type_kind::complex:
      for (std::string_view q : quantities) t.is_quantity = t.is_quantity || q == t.name;
      t.checked_as = t.name == "Reference"         ? type_def::role::reference
                     : t.name == "Coding"          ? type_def::role::coding
                     : t.name == "CodeableConcept" ? type_def::role::codeable_concept
                     : t.name == "Attachment"      ? type_def::role::attachment
                                                   : type_def::role::other;
      if (t.is_quantity && t.name != "Quantity") names.push_back("Quantity");
      names.push_back("Element");
      return names;
    case type_kind::primitive:
      break;
  }
  const std::string_view n = t.name;
  if (n == "code" || n == "id" || n == "markdown") names.push_back("string");
  if (n == "url" || n == "canonical" || n == "oid" || n == "uuid") names.push_back("uri");
  if (n == "unsignedInt" || n == "positiveInt") names.push_back("integer");
  switch (t.primitive) {
    case primitive_kind::boolean:
      names.push_back("Boolean");
      break;
    case primitive_kind::integer:
    case primitive_kind::unsigned_int:
    case primitive_kind::positive_int:
      names.push_back("Integer");
      break;
    case primitive_kind::decimal:
      names.push_back("Decimal");
      break;
    case primitive_kind::date:
      names.push_back("Date");
      break;
    case primitive_kind::date_time:
    case primitive_kind::instant:
      names.push_back("DateTime");
      break;
    case primitive_kind::time:
      names.push_back("Time");
      break;
    default:
      names.push_back("String");
      break;
  }
  names.push_back("Element");
  return names;
}

std::string_view model_builder::own(std::string s) {
  return m_.owned_strings_.emplace_back(std::move(s));
}

type_index model_builder::new_type(type_def t) {
  m_.types_.push_back(std::move(t));
  return static_cast<type_index>(m_.types_.size() - 1);
}

void model_builder::add_member_names(type_def& t, std::uint32_t index) {
  const element_def& e = t.elements[index];
  for (type_index ti : e.types) {
    const type_def& ty = m_.types_[ti];
    std::string_view name = e.name;
    if (e.is_choice) {
      std::string n(e.name);
      n += static_cast<char>(std::toupper(static_cast<unsigned char>(ty.name[0])));
      n.append(ty.name.substr(1));
      name = own(std::move(n));
    }
    t.members.insert_or_assign(name, member_slot{index, ti, false});
    if (ty.kind == type_kind::primitive) {
      std::string twin(1, '_');
      twin.append(name);
      t.members.insert_or_assign(own(std::move(twin)), member_slot{index, ti, true});
    }
  }
}

void model_builder::apply_binding(element_def& e, const json_value& binding) {
  std::string_view strength = json::string_member(binding, "strength");
  e.binding = strength == "required"     ? binding_strength::required
              : strength == "extensible" ? binding_strength::extensible
              : strength == "preferred"  ? binding_strength::preferred
                                         : binding_strength::example;
  e.bound_set_url = strip_version(json::string_member(binding, "valueSet"));
  e.bound_set = e.binding == binding_strength::required ? m_.find_value_set(e.bound_set_url) : nullptr;
}

void model_builder::apply_fixed_and_pattern(element_def& e, const json_value& element) {
  for (auto it = element.MemberBegin(); it != element.MemberEnd(); ++it) {
    std::string_view key = json::key_of(it);
    if (key.rfind("fixed", 0) == 0) e.fixed = &it->value;
    if (key.rfind("pattern", 0) == 0) e.pattern = &it->value;
  }
}

void model_builder::apply_target_profiles(element_def& e, const json_value& type) {
  const auto* targets = json::member(type, "targetProfile");
  if (!targets || !targets->IsArray()) return;
  for (const auto& t : targets->GetArray()) {
    std::string_view url = json::as_string(t);
    type_index target = m_.find_profile(url);
    if (target == no_type) continue;      // an unknown profile cannot narrow the check
    if (m_.types_[target].is_abstract) {  // "Resource": anything goes
      e.target_types.clear();
      return;
    }
    e.target_types.push_back(target);
  }
}

boost::system::result<std::string, model_error> read_definition_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return model_error{model_errc::bad_definition, "cannot open definition file " + path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

boost::system::result<std::shared_ptr<const model>, model_error> load_model(const model_sources& sources) {
  auto m = std::make_shared<model>();
  model_builder builder(*m);
  for (std::string_view s : sources.bundles) {
    if (auto r = builder.add_source(s); !r) return r.error();
  }
  if (auto r = builder.build(); !r) return r.error();
  return std::shared_ptr<const model>(std::move(m));
}

void throw_exception_from_error(const model_error& e, const boost::source_location&) {
  throw std::runtime_error("fhir model: " + e.message);
}

}  // namespace fhir
