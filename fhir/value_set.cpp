#include "fhir/model.hpp"

namespace fhir {

bool value_set::contains(std::string_view system, std::string_view code) const {
  for (const include& inc : includes) {
    if (!system.empty() && inc.system != system) continue;
    if (inc.codes == nullptr || inc.codes->count(code) != 0) return true;
  }
  return false;
}

type_index model::find_type(std::string_view name) const {
  auto it = types_by_name_.find(name);
  return it == types_by_name_.end() ? no_type : it->second;
}

type_index model::find_resource_type(std::string_view name) const {
  type_index t = find_type(name);
  if (t == no_type) return no_type;
  const type_def& d = types_[t];
  return d.kind == type_kind::resource && !d.is_abstract ? t : no_type;
}

type_index model::find_profile(std::string_view url) const {
  auto it = profiles_by_url_.find(url);
  return it == profiles_by_url_.end() ? no_type : it->second;
}

const value_set* model::find_value_set(std::string_view url) const {
  auto it = value_sets_.find(url);
  return it == value_sets_.end() ? nullptr : it->second;
}

const model::code_displays* model::find_code_system(std::string_view url) const {
  auto it = code_system_displays_.find(url);
  return it == code_system_displays_.end() ? nullptr : it->second;
}

}  // namespace fhir
