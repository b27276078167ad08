#pragma once
// Internal: turns parsed definition Bundles into a fhir::model. Used only by load_model(); split
// over model_builder.cpp (sources, code systems, value sets), snapshot_compiler.cpp (base
// StructureDefinitions) and differential_compiler.cpp (profiles). Single-threaded, load time only.

#include <string>
#include <unordered_map>
#include <vector>

#include "fhir/model.hpp"

namespace fhir {

class model_builder {
 public:
  explicit model_builder(model& m) : m_(m) {}

  boost::system::result<void, model_error> add_source(std::string_view text);
  boost::system::result<void, model_error> build();

 private:
  using json_value = rapidjson::Value;

  void collect(const json_value& resource);
  void add_code_system(const json_value& cs);
  void add_value_set(const json_value& vs);
  void declare_type(const json_value& sd);
  boost::system::result<void, model_error> compile_snapshot(const json_value& sd);
  boost::system::result<void, model_error> compile_differential(const json_value& sd);

  // Helpers shared by both compilers.
  std::string_view own(std::string s);
  void add_member_names(type_def& t, std::uint32_t element_index);
  void apply_binding(element_def& e, const json_value& binding);
  void apply_fixed_and_pattern(element_def& e, const json_value& element);
  void apply_target_profiles(element_def& e, const json_value& type);
  type_index new_type(type_def t);
  static std::vector<std::string_view> type_names_of(type_def& t);

  // Constraints (invariant_compiler.cpp).
  const invariant_def* intern_invariant(const json_value& constraint, std::string_view source);
  std::vector<const invariant_def*> invariants_of(const json_value& element, std::string_view source);
  void add_profile_invariants(element_def& e, const json_value& type);
  void index_profile_roots();
  void finish_invariants();
  void add_extension(const json_value& sd);
  void find_invariant_shortcuts();

  model& m_;
  std::vector<const json_value*> code_systems_;
  std::vector<const json_value*> value_sets_;
  std::vector<const json_value*> base_definitions_;
  std::vector<const json_value*> profiles_;
  std::vector<const json_value*> extensions_;
  std::unordered_map<std::string, const invariant_def*> invariants_by_text_;
  std::unordered_map<std::string_view, const json_value*> profile_roots_;  // url -> snapshot root element
};

}  // namespace fhir
