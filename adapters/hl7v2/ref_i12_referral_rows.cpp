// Rows of the REF^I12 table that build the referral itself and its requester: ServiceRequest,
// Organization, Practitioner, PractitionerRole (ref_i12_rows.hpp).
#include "adapters/hl7v2/ref_i12_rows.hpp"
#include "adapters/hl7v2/v2_datatypes.hpp"
#include "adapters/hl7v2/v2_referral_ids.hpp"
#include "gateway/core/code_systems.hpp"

namespace gateway::hl7v2::ref_i12::rows {

namespace json = core::json;
namespace {

constexpr std::string_view v2_0281 = "http://terminology.hl7.org/CodeSystem/v2-0281";
constexpr std::string_view v2_0284 = "http://terminology.hl7.org/CodeSystem/v2-0284";

}  // namespace

// --- ServiceRequest -------------------------------------------------------------------------

outcome sr_identifier(const build_state& b, const segment& rf1, Value& sr, allocator& a) {
  const std::string value = b.read.text(rf1, 6, 1, 1);
  if (value.empty()) {
    return problem(rf1, 6, hl7_error_code::required_field_missing,
                   "RF1-6 (originating referral identifier) is required: it identifies the referral for "
                   "repeats and in every status message sent back");
  }
  Value id(rapidjson::kObjectType);
  json::add_string(id, "system",
                   referral_id_system(b.read.text(rf1, 6, 1, 2), b.read.text(rf1, 6, 1, 3), b.read.text(rf1, 6, 1, 4)),
                   a);
  json::add_string(id, "value", value, a);
  push(sr, "identifier", std::move(id), a);
  return std::nullopt;
}

outcome sr_external_identifier(const build_state& b, const segment& rf1, Value& sr, allocator& a) {
  const std::string value = b.read.text(rf1, 11, 1, 1);
  if (value.empty()) return std::nullopt;
  Value id(rapidjson::kObjectType);
  json::add_string(id, "system", external_referral_id_system(b.read.text(rf1, 11, 1, 2)), a);
  json::add_string(id, "value", value, a);
  push(sr, "identifier", std::move(id), a);
  return std::nullopt;
}

outcome sr_status(const build_state& b, const segment& rf1, Value& sr, allocator& a) {
  const std::string status = b.read.text(rf1, 1, 1, 1);
  if (!status.empty() && status != "P" && status != "A") {
    return problem(rf1, 1, hl7_error_code::table_value_not_found,
                   "RF1-1 referral status of a new referral must be P (pending) or A (accepted)");
  }
  json::add_string(sr, "status", "active", a);
  return std::nullopt;
}

outcome sr_intent(const build_state&, const segment&, Value& sr, allocator& a) {
  json::add_string(sr, "intent", "order", a);
  return std::nullopt;
}

outcome sr_category_type(const build_state& b, const segment& rf1, Value& sr, allocator& a) {
  push(sr, "category", b.read.codeable_concept(rf1, 3, 1, v2_0281, a), a);
  return std::nullopt;
}

outcome sr_category_category(const build_state& b, const segment& rf1, Value& sr, allocator& a) {
  push(sr, "category", b.read.codeable_concept(rf1, 5, 1, v2_0284, a), a);
  return std::nullopt;
}

outcome sr_priority(const build_state& b, const segment& rf1, Value& sr, allocator& a) {
  const std::string code = b.read.text(rf1, 2, 1, 1);
  if (code.empty()) return std::nullopt;
  const std::string_view priority = code == "S" ? "stat" : code == "A" ? "asap" : code == "R" ? "routine" : "";
  if (priority.empty()) {
    return problem(rf1, 2, hl7_error_code::table_value_not_found,
                   "RF1-2 referral priority must be S (STAT), A (ASAP) or R (routine)");
  }
  json::add_string(sr, "priority", priority, a);
  return std::nullopt;
}

outcome sr_subject(const build_state& b, const segment&, Value& sr, allocator& a) {
  json::add(sr, "subject", json::reference(b.patient_ref, a), a);
  return std::nullopt;
}

outcome sr_authored_on(const build_state& b, const segment& rf1, Value& sr, allocator& a) {
  const segment& msh = b.read.msg().header();
  const std::string processed = b.read.text(rf1, 9, 1, 1);
  const std::string sent = b.read.text(msh, 7, 1, 1);
  const bool from_rf1 = !processed.empty();
  const auto value = fhir_date_time_from_dtm(from_rf1 ? processed : sent);
  if (!value) {
    return from_rf1 ? problem(rf1, 9, hl7_error_code::data_type, "RF1-9 process date is not a valid date/time")
                    : problem(msh, 7, hl7_error_code::data_type,
                              "MSH-7 date/time of message is not a valid date/time (it dates the referral when "
                              "RF1-9 is empty)");
  }
  json::add_string(sr, "authoredOn", *value, a);
  return std::nullopt;
}

outcome sr_occurrence(const build_state& b, const segment& rf1, Value& sr, allocator& a) {
  Value period(rapidjson::kObjectType);
  for (const auto& [field, member] : {std::pair{7u, "start"}, std::pair{8u, "end"}}) {
    const std::string text = b.read.text(rf1, field, 1, 1);
    if (text.empty()) continue;
    const auto value = fhir_date_time_from_dtm(text);
    if (!value) {
      return problem(
          rf1, field, hl7_error_code::data_type,
          field == 7 ? "RF1-7 effective date is not a valid date" : "RF1-8 expiration date is not a valid date");
    }
    json::add_string(period, member, *value, a);
  }
  if (period.MemberCount() > 0) json::add(sr, "occurrencePeriod", std::move(period), a);
  return std::nullopt;
}

outcome sr_requester(const build_state& b, const segment&, Value& sr, allocator& a) {
  json::add(sr, "requester", json::reference(b.role_ref.empty() ? b.organization_ref : b.role_ref, a), a);
  return std::nullopt;
}

outcome sr_reasons(const build_state& b, const segment&, Value& sr, allocator& a) {
  for (const auto& ref : b.condition_refs) push(sr, "reasonReference", json::reference(ref, a), a);
  return std::nullopt;
}

outcome sr_supporting_info(const build_state& b, const segment&, Value& sr, allocator& a) {
  for (const auto& ref : b.observation_refs) push(sr, "supportingInfo", json::reference(ref, a), a);
  return std::nullopt;
}

outcome sr_notes(const build_state& b, const segment&, Value& sr, allocator& a) {
  for (const segment* nte : b.referral_notes) push(sr, "note", annotation(b.read.all_text(*nte, 3), a), a);
  return std::nullopt;
}

// --- Organization, Practitioner, PractitionerRole ------------------------------------------------

outcome organization_ods(const build_state& b, const segment&, Value& org, allocator& a) {
  Value id(rapidjson::kObjectType);
  json::add_string(id, "system", core::systems::ods_organisation, a);
  json::add_string(id, "value", b.context.requester_ods, a);
  push(org, "identifier", std::move(id), a);
  return std::nullopt;
}

outcome practitioner_name(const build_state& b, const segment& prd, Value& p, allocator& a) {
  for (std::size_t r = 1; r <= prd.repetition_count(2); ++r) push(p, "name", b.read.human_name(prd, 2, r, a), a);
  return std::nullopt;
}

outcome practitioner_address(const build_state& b, const segment& prd, Value& p, allocator& a) {
  for (std::size_t r = 1; r <= prd.repetition_count(3); ++r) push(p, "address", b.read.address(prd, 3, r, a), a);
  return std::nullopt;
}

outcome practitioner_telecom(const build_state& b, const segment& prd, Value& p, allocator& a) {
  for (std::size_t r = 1; r <= prd.repetition_count(5); ++r)
    push(p, "telecom", b.read.contact_point(prd, 5, r, "work", a), a);
  return std::nullopt;
}

outcome practitioner_sds_id(const build_state& b, const segment& prd, Value& p, allocator& a) {
  for (std::size_t r = 1; r <= prd.repetition_count(7); ++r) {
    if (b.read.text(prd, 7, r, 2) != "SDS") continue;
    const std::string value = b.read.text(prd, 7, r, 1);
    if (value.empty()) continue;
    Value id(rapidjson::kObjectType);
    json::add_string(id, "system", "https://fhir.nhs.uk/Id/sds-user-id", a);
    json::add_string(id, "value", value, a);
    push(p, "identifier", std::move(id), a);
  }
  return std::nullopt;
}

outcome role_links(const build_state& b, const segment&, Value& role, allocator& a) {
  json::add(role, "practitioner", json::reference(b.practitioner_ref, a), a);
  json::add(role, "organization", json::reference(b.organization_ref, a), a);
  return std::nullopt;
}

}  // namespace gateway::hl7v2::ref_i12::rows
