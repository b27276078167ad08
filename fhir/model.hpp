#pragma once
// The compiled validation model: every R4 datatype and resource (and any profile loaded with them)
// as an element tree with precomputed JSON-name lookup, plus the value sets behind `required`
// bindings. Built once by load_model(); immutable afterwards, so one instance may be shared by any
// number of threads without locking. Strings are views into the source documents the model owns.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <rapidjson/document.h>
#include <boost/system/result.hpp>

#include "fhir/fhirpath/fhirpath.hpp"
#include "fhir/member_table.hpp"
#include "fhir/outcome.hpp"
#include "fhir/type_index.hpp"

namespace fhir {

inline constexpr std::uint32_t unbounded = UINT32_MAX;

enum class type_kind : std::uint8_t { primitive, complex, backbone, resource };

enum class primitive_kind : std::uint8_t {
  none,
  boolean,
  integer,
  unsigned_int,
  positive_int,
  decimal,
  string,
  code,
  id,
  markdown,
  uri,
  url,
  canonical,
  oid,
  uuid,
  base64_binary,
  date,
  date_time,
  instant,
  time,
  xhtml
};

enum class binding_strength : std::uint8_t { none, required, extensible, preferred, example };

// Codes of one value set, by system. A value set that includes a system we cannot enumerate
// (UCUM, mime types, currencies) accepts any code of that system.
struct value_set {
  std::string_view url;
  struct include {
    std::string_view system;
    const std::unordered_set<std::string_view>* codes = nullptr;  // null: not enumerable, accept all
  };
  std::vector<include> includes;

  // Whether `code` (of `system`, or of any included system when system is empty) is in the set.
  bool contains(std::string_view system, std::string_view code) const;
};

// One `constraint` of the definitions, compiled once. `how` says how it is checked: by its
// FHIRPath expression, natively (ele-1 in the structural walk, txt-1/txt-2 in the narrative
// checker), or not at all (then `reason` says why; listed in fhir/README.md).
struct invariant_def {
  enum class check : std::uint8_t { fhirpath, native, not_evaluable };
  std::string_view key;
  fhir::severity level = fhir::severity::error;
  std::string_view human;
  std::string_view expression_text;
  std::string_view source;  // the StructureDefinition (or element path) it was first found on
  check how = check::fhirpath;
  fhirpath::expression compiled;
  std::string reason;
  // Trivially true when the focus object has none of these members (found at load by
  // evaluating the expression on an empty object; only for expressions that read the focus
  // through member names alone). Empty when there is no such shortcut.
  std::vector<std::string_view> needs_one_of;
  // ref-1 exactly as R4 writes it, "reference.startsWith('#').not() or (...)": on a Reference
  // whose `reference` is one string not starting with '#', the left side is true, so the `or` is
  // true whatever its right side; such a Reference passes without evaluation.
  bool fails_only_on_local_reference = false;
};

struct element_def {
  std::string_view name;  // JSON name; for choice elements the stem ("value" for value[x])
  std::string_view path;  // as in the StructureDefinition, e.g. "ServiceRequest.subject"
  std::uint32_t min = 0;
  std::uint32_t max = 1;  // `unbounded` for "*"
  bool is_choice = false;
  bool is_array = false;          // max > 1: JSON form is an array
  std::vector<type_index> types;  // one, or the allowed types of a choice
  binding_strength binding = binding_strength::none;
  const value_set* bound_set = nullptr;  // only for required bindings we can check
  std::string_view bound_set_url;
  std::vector<type_index> target_types;  // allowed resource types of a Reference; empty means any
  const rapidjson::Value* fixed = nullptr;
  const rapidjson::Value* pattern = nullptr;
  std::uint32_t max_length = 0;  // 0: no limit beyond the datatype's
  // Constraints of this element evaluated on each of its items, other than those of its type's
  // own definition (which type_def::invariants carries).
  std::vector<const invariant_def*> invariants;
};

// An extension StructureDefinition (R4 publishes 786; profiles may add their own), reduced to what
// validation needs.
struct extension_def {
  std::string_view url;
  bool is_modifier = false;
  std::uint32_t min = 0;
  std::uint32_t max = unbounded;
  std::vector<std::string_view> contexts;    // element paths or type names ("Patient", "Element", "Patient.contact")
  std::vector<type_index> value_types;       // allowed value[x]; empty: nested extensions only
  const value_set* value_binding = nullptr;  // required binding of a coded value, when checkable
  struct slice {
    std::string_view url;  // relative ("code") or absolute
    std::uint32_t min = 0;
    std::uint32_t max = unbounded;
    std::vector<type_index> value_types;
  };
  std::vector<slice> slices;  // nested extensions of a complex extension
};

struct type_def {
  std::string_view name;  // "Patient", "HumanName", or a backbone path "Bundle.entry"
  std::string_view url;   // canonical URL of the StructureDefinition (profiles), may be empty
  type_kind kind = type_kind::complex;
  primitive_kind primitive = primitive_kind::none;
  bool is_abstract = false;
  std::vector<element_def> elements;
  member_table members;  // JSON property name -> element
  // Constraints on every instance of this type (its definition's root element).
  std::vector<const invariant_def*> invariants;
  // Type names an instance answers to in FHIRPath is/as/ofType: its own, its bases ("uri" for
  // canonical, "Quantity" for Age, "DomainResource"), and the System type of a primitive.
  std::vector<std::string_view> answers_to;
  bool is_quantity = false;  // Quantity or one of its specialisations (Age, Duration, ...)
  // Datatypes the structural walk checks beyond their element tree, told by name once at load
  // (profiles of them keep the name, so they keep the role).
  enum class role : std::uint8_t { other, reference, coding, codeable_concept, attachment };
  role checked_as = role::other;
  // Profiles: the extensions the profile names (slices of extension / modifierExtension), i.e.
  // the ones the system behind the profile understands.
  std::vector<std::string_view> understood_extensions;

  const member_slot* find_member(std::string_view json_name) const { return members.find(json_name); }
};

class model {
 public:
  model() = default;
  model(const model&) = delete;
  model& operator=(const model&) = delete;

  const type_def& type(type_index i) const { return types_[i]; }
  std::size_t type_count() const { return types_.size(); }
  // A datatype or resource by its FHIR name ("Patient", "string"); no_type when unknown.
  type_index find_type(std::string_view name) const;
  // A concrete (non-abstract) resource type by name; no_type otherwise.
  type_index find_resource_type(std::string_view name) const;
  // A profile (or base definition) by canonical URL; no_type when unknown.
  type_index find_profile(std::string_view url) const;
  const value_set* find_value_set(std::string_view url) const;
  // Codes -> display of a code system the model carries (those behind R4's required bindings and
  // any a profile bundle adds); null for a system it does not carry.
  using code_displays = std::unordered_map<std::string_view, std::string_view>;
  const code_displays* find_code_system(std::string_view url) const;
  // An extension definition by canonical URL (a "|version" suffix is ignored); null when unknown.
  const extension_def* find_extension(std::string_view url) const;
  std::size_t extension_count() const { return extensions_.size(); }
  // Every distinct constraint (key + expression) of the loaded definitions.
  const std::deque<invariant_def>& invariants() const { return invariants_; }

  // Frequently used types, resolved once at load.
  struct well_known {
    type_index reference = no_type, extension = no_type, coding = no_type, codeable_concept = no_type, bundle = no_type,
               resource = no_type, string = no_type, element = no_type;
  };
  const well_known& known() const { return known_; }

 private:
  friend class model_builder;
  std::vector<std::unique_ptr<rapidjson::Document>> sources_;
  std::deque<std::string> owned_strings_;  // generated names such as "valueString"
  std::vector<type_def> types_;
  std::unordered_map<std::string_view, type_index> types_by_name_;
  std::unordered_map<std::string_view, type_index> profiles_by_url_;
  std::deque<std::unordered_set<std::string_view>> code_systems_storage_;
  std::deque<code_displays> displays_storage_;
  std::unordered_map<std::string_view, const code_displays*> code_system_displays_;
  std::unordered_map<std::string_view, const std::unordered_set<std::string_view>*> code_systems_;
  std::deque<value_set> value_sets_storage_;
  std::unordered_map<std::string_view, const value_set*> value_sets_;
  std::deque<invariant_def> invariants_;
  std::deque<extension_def> extension_storage_;
  std::unordered_map<std::string_view, const extension_def*> extensions_;
  well_known known_;
};

enum class model_errc { bad_json, bad_definition, unknown_base };

struct model_error {
  model_errc code = model_errc::bad_definition;
  std::string message;
};

[[noreturn]] void throw_exception_from_error(const model_error& e, const boost::source_location& loc);

// Definition sources, each a JSON Bundle (or a single resource) of StructureDefinitions,
// ValueSets and CodeSystems. Order: datatypes, resources, value sets, then profiles (a profile's
// base must already be loaded). The text is parsed and copied; it need not outlive the call.
struct model_sources {
  std::vector<std::string_view> bundles;
};

boost::system::result<std::shared_ptr<const model>, model_error> load_model(const model_sources& sources);

// The built-in R4 model: the embedded 4.0.1 definitions plus the referral profile. Loaded on first
// call (thread-safe static), then shared. Aborts the process if the embedded data is broken,
// which a unit test rules out.
const model& r4_model();

// The embedded sources r4_model() is built from, for callers that add their own profiles:
// load_model({embedded_r4_sources() + their bundles}).
model_sources embedded_r4_sources();

// Reads a file (for profiles shipped beside the binary). Error as a value.
boost::system::result<std::string, model_error> read_definition_file(const std::string& path);

}  // namespace fhir
