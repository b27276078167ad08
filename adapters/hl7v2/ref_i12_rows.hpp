#pragma once
// The functions behind the rows of the REF^I12 -> FHIR table (ref_i12_rules.cpp), and the small
// JSON helpers they share. Internal to adapters/hl7v2.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/hl7v2/ref_i12_rules.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::hl7v2::ref_i12::rows {

using rapidjson::Value;
using allocator = v2_reader::allocator;
using outcome = std::optional<mapping_problem>;

inline outcome problem(const segment& s, std::size_t field, hl7_error_code code, std::string text) {
  return mapping_problem{s.where(field), code, std::move(text)};
}

// Appends `item` to the array `member` of `resource` (made when missing); a null item is skipped.
inline void push(Value& resource, std::string_view member, Value item, allocator& a) {
  if (item.IsNull()) return;
  auto it = resource.FindMember(core::json::string(member, a));
  if (it == resource.MemberEnd()) {
    Value list(rapidjson::kArrayType);
    list.PushBack(item, a);
    core::json::add(resource, member, std::move(list), a);
  } else {
    it->value.PushBack(item, a);
  }
}

// {"text": text}; null when empty.
inline Value annotation(const std::string& text, allocator& a) {
  if (text.empty()) return Value();
  Value note(rapidjson::kObjectType);
  core::json::add_string(note, "text", text, a);
  return note;
}

outcome sr_identifier(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_external_identifier(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_status(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_intent(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_category_type(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_category_category(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_priority(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_subject(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_authored_on(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_occurrence(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_requester(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_reasons(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_supporting_info(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome sr_notes(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome patient_nhs_number(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome patient_names(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome patient_birth_date(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome patient_gender(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome patient_addresses(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome patient_home_telecom(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome patient_work_telecom(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome organization_ods(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome practitioner_name(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome practitioner_address(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome practitioner_telecom(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome practitioner_sds_id(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome role_links(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome condition_code(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome condition_subject(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome condition_recorded(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome observation_status(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome observation_code(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome observation_subject(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome observation_effective(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome observation_value(const build_state& b, const segment& source, Value& resource, allocator& a);
outcome observation_notes(const build_state& b, const segment& source, Value& resource, allocator& a);

}  // namespace gateway::hl7v2::ref_i12::rows
