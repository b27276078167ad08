// Rows of the REF^I12 table that build the clinical resources: Patient (PID), Condition (DG1),
// Observation (OBX) (ref_i12_rows.hpp).
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "adapters/hl7v2/ref_i12_rows.hpp"
#include "adapters/hl7v2/v2_datatypes.hpp"
#include "gateway/core/code_systems.hpp"

namespace gateway::hl7v2::ref_i12::rows {

namespace json = core::json;

namespace {

// LOINC codes whose value triage or outcome rules read (shared/clinical-codes.md): they must
// arrive as numbers or coded answers, never as free text a rule cannot read.
constexpr std::array<std::string_view, 4> score_codes = {core::codes::phq9_total, core::codes::phq9_item9,
                                                         core::codes::gad7_total, "55758-7"};

bool is_score(const build_state& b, const segment& obx) {
  if (fhir_system_for(b.read.text(obx, 3, 1, 3)) != core::systems::loinc) return false;
  const std::string code = b.read.text(obx, 3, 1, 1);
  return std::find(score_codes.begin(), score_codes.end(), code) != score_codes.end();
}

// An HL7 NM: optional sign, digits, optional decimal point and digits.
std::optional<Value> number_value(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string_view digits = text;
  if (digits.front() == '+' || digits.front() == '-') digits.remove_prefix(1);
  const std::size_t dot = digits.find('.');
  const std::string_view whole = digits.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : digits.substr(dot + 1);
  const auto all_digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if ((whole.empty() && fraction.empty()) || !all_digits(whole) || !all_digits(fraction) || digits.size() > 30) {
    return std::nullopt;
  }
  const std::string clean(text.front() == '+' ? text.substr(1) : text);
  if (dot == std::string_view::npos || fraction.empty()) {
    std::int64_t n = 0;
    const std::string integral = clean.substr(0, clean.find('.'));
    const auto [end, ec] = std::from_chars(integral.data(), integral.data() + integral.size(), n);
    if (ec == std::errc{} && end == integral.data() + integral.size()) return Value(n);
  }
  double d = 0;
  const auto [end, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), d);
  if (ec != std::errc{} || !std::isfinite(d)) return std::nullopt;
  return Value(d);
}

Value quantity(const build_state& b, const segment& obx, Value number, std::string_view comparator, allocator& a) {
  Value q(rapidjson::kObjectType);
  q.AddMember("value", number, a);
  if (!comparator.empty()) json::add_string(q, "comparator", comparator, a);
  const std::string unit_code = b.read.text(obx, 6, 1, 1);
  const std::string unit_text = b.read.text(obx, 6, 1, 2);
  const bool ucum = b.read.text(obx, 6, 1, 3) == "UCUM";
  if (!unit_text.empty() || !unit_code.empty())
    json::add_string(q, "unit", unit_text.empty() ? unit_code : unit_text, a);
  if (ucum && !unit_code.empty()) {
    json::add_string(q, "system", "http://unitsofmeasure.org", a);
    json::add_string(q, "code", unit_code, a);
  }
  return q;
}

}  // namespace

// --- Patient ----------------------------------------------------------------------------------

outcome patient_nhs_number(const build_state& b, const segment& pid, Value& patient, allocator& a) {
  for (std::size_t r = 1; r <= pid.repetition_count(3); ++r) {
    if (b.read.text(pid, 3, r, 4, 1) != "NHS") continue;
    Value id(rapidjson::kObjectType);
    json::add_string(id, "system", core::systems::nhs_number, a);
    json::add_string(id, "value", b.read.text(pid, 3, r, 1), a);
    push(patient, "identifier", std::move(id), a);
    return std::nullopt;
  }
  return std::nullopt;  // none: the referral profile refuses it, naming PID-3
}

outcome patient_names(const build_state& b, const segment& pid, Value& patient, allocator& a) {
  for (std::size_t r = 1; r <= pid.repetition_count(5); ++r) push(patient, "name", b.read.human_name(pid, 5, r, a), a);
  return std::nullopt;
}

outcome patient_birth_date(const build_state& b, const segment& pid, Value& patient, allocator& a) {
  const std::string text = b.read.text(pid, 7, 1, 1);
  if (text.empty()) return std::nullopt;
  const auto date = fhir_date_from_dtm(text);
  if (!date) return problem(pid, 7, hl7_error_code::data_type, "PID-7 date of birth is not a valid date");
  json::add_string(patient, "birthDate", *date, a);
  return std::nullopt;
}

outcome patient_gender(const build_state& b, const segment& pid, Value& patient, allocator& a) {
  const std::string sex = b.read.text(pid, 8, 1, 1);
  if (sex.empty()) return std::nullopt;
  const std::string_view gender = sex == "M"                 ? "male"
                                  : sex == "F"               ? "female"
                                  : sex == "O" || sex == "A" ? "other"
                                  : sex == "U" || sex == "N" ? "unknown"
                                                             : "";
  if (gender.empty()) {
    return problem(pid, 8, hl7_error_code::table_value_not_found,
                   "PID-8 administrative sex must be one of M, F, O, U, A, N (HL7 table 0001)");
  }
  json::add_string(patient, "gender", gender, a);
  return std::nullopt;
}

outcome patient_addresses(const build_state& b, const segment& pid, Value& patient, allocator& a) {
  for (std::size_t r = 1; r <= pid.repetition_count(11); ++r)
    push(patient, "address", b.read.address(pid, 11, r, a), a);
  return std::nullopt;
}

outcome patient_home_telecom(const build_state& b, const segment& pid, Value& patient, allocator& a) {
  for (std::size_t r = 1; r <= pid.repetition_count(13); ++r)
    push(patient, "telecom", b.read.contact_point(pid, 13, r, "home", a), a);
  return std::nullopt;
}

outcome patient_work_telecom(const build_state& b, const segment& pid, Value& patient, allocator& a) {
  for (std::size_t r = 1; r <= pid.repetition_count(14); ++r)
    push(patient, "telecom", b.read.contact_point(pid, 14, r, "work", a), a);
  return std::nullopt;
}

// --- Condition (DG1) ------------------------------------------------------------------------------

outcome condition_code(const build_state& b, const segment& dg1, Value& c, allocator& a) {
  Value code = b.read.codeable_concept(dg1, 3, 1, {}, a);
  const std::string description = b.read.text(dg1, 4, 1, 1);
  if (code.IsNull() && description.empty()) {
    return problem(dg1, 3, hl7_error_code::required_field_missing, "DG1-3 diagnosis code is required");
  }
  if (code.IsNull()) code.SetObject();
  if (!code.HasMember("text") && !description.empty()) json::add_string(code, "text", description, a);
  json::add(c, "code", std::move(code), a);
  return std::nullopt;
}

outcome condition_subject(const build_state& b, const segment&, Value& c, allocator& a) {
  json::add(c, "subject", json::reference(b.patient_ref, a), a);
  return std::nullopt;
}

outcome condition_recorded(const build_state& b, const segment& dg1, Value& c, allocator& a) {
  const std::string text = b.read.text(dg1, 5, 1, 1);
  if (text.empty()) return std::nullopt;
  const auto value = fhir_date_time_from_dtm(text);
  if (!value) return problem(dg1, 5, hl7_error_code::data_type, "DG1-5 diagnosis date/time is not a valid date/time");
  json::add_string(c, "recordedDate", *value, a);
  return std::nullopt;
}

// --- Observation (OBX) ----------------------------------------------------------------------------

outcome observation_status(const build_state& b, const segment& obx, Value& o, allocator& a) {
  const std::string code = b.read.text(obx, 11, 1, 1);
  if (code.empty()) return problem(obx, 11, hl7_error_code::required_field_missing, "OBX-11 result status is required");
  const std::string_view status = (code == "F" || code == "U")                  ? "final"
                                  : code == "C"                                 ? "corrected"
                                  : (code == "P" || code == "R" || code == "S") ? "preliminary"
                                  : code == "I"                                 ? "registered"
                                  : (code == "D" || code == "W")                ? "entered-in-error"
                                  : code == "X"                                 ? "cancelled"
                                                                                : "";
  if (status.empty()) {
    return problem(obx, 11, hl7_error_code::table_value_not_found,
                   "OBX-11 result status must be one of F, U, C, P, R, S, I, D, W, X (HL7 table 0085)");
  }
  json::add_string(o, "status", status, a);
  return std::nullopt;
}

outcome observation_code(const build_state& b, const segment& obx, Value& o, allocator& a) {
  Value code = b.read.codeable_concept(obx, 3, 1, {}, a);
  if (code.IsNull() || !code.HasMember("coding")) {
    return problem(obx, 3, hl7_error_code::required_field_missing, "OBX-3 observation identifier (a code) is required");
  }
  json::add(o, "code", std::move(code), a);
  return std::nullopt;
}

outcome observation_subject(const build_state& b, const segment&, Value& o, allocator& a) {
  json::add(o, "subject", json::reference(b.patient_ref, a), a);
  return std::nullopt;
}

outcome observation_effective(const build_state& b, const segment& obx, Value& o, allocator& a) {
  const std::string text = b.read.text(obx, 14, 1, 1);
  if (text.empty()) return std::nullopt;
  const auto value = fhir_date_time_from_dtm(text);
  if (!value) return problem(obx, 14, hl7_error_code::data_type, "OBX-14 date/time of the observation is not valid");
  json::add_string(o, "effectiveDateTime", *value, a);
  return std::nullopt;
}

outcome observation_value(const build_state& b, const segment& obx, Value& o, allocator& a) {
  const std::string type = b.read.text(obx, 2, 1, 1);
  const bool coded = type == "CWE" || type == "CE" || type == "CNE";
  if (is_score(b, obx) && type != "NM" && type != "SN" && !coded) {
    return problem(obx, 2, hl7_error_code::data_type,
                   "OBX-2 must be NM (or SN, or CWE for a coded answer) for a PHQ-9/GAD-7 score, so that triage and "
                   "outcome rules can read it");
  }
  if (obx.repetition_count(5) == 0) return std::nullopt;  // no value (status may say why)
  if (type == "ST" || type == "TX" || type == "FT") {
    if (const std::string text = b.read.all_text(obx, 5); !text.empty()) json::add_string(o, "valueString", text, a);
    return std::nullopt;
  }
  if (obx.repetition_count(5) > 1) {
    return problem(obx, 5, hl7_error_code::data_type, "OBX-5 repeats; only text values (ST, TX, FT) may repeat here");
  }
  if (type == "NM") {
    auto n = number_value(b.read.text(obx, 5, 1, 1));
    if (!n) return problem(obx, 5, hl7_error_code::data_type, "OBX-5 is not a number, as OBX-2 NM says it is");
    json::add(o, "valueQuantity", quantity(b, obx, std::move(*n), {}, a), a);
    return std::nullopt;
  }
  if (type == "SN") {
    const std::string comparator = b.read.text(obx, 5, 1, 1);
    if (!b.read.text(obx, 5, 1, 3).empty() || !b.read.text(obx, 5, 1, 4).empty()) {
      return problem(obx, 5, hl7_error_code::data_type,
                     "OBX-5 SN ranges and ratios are not supported; send one number");
    }
    if (!comparator.empty() && comparator != "<" && comparator != "<=" && comparator != ">" && comparator != ">=" &&
        comparator != "=") {
      return problem(obx, 5, hl7_error_code::data_type, "OBX-5 SN comparator must be <, <=, >, >= or =");
    }
    auto n = number_value(b.read.text(obx, 5, 1, 2));
    if (!n) return problem(obx, 5, hl7_error_code::data_type, "OBX-5 SN has no number in its second component");
    json::add(o, "valueQuantity", quantity(b, obx, std::move(*n), comparator == "=" ? "" : comparator, a), a);
    return std::nullopt;
  }
  if (coded) {
    Value cc = b.read.codeable_concept(obx, 5, 1, {}, a);
    if (!cc.IsNull()) json::add(o, "valueCodeableConcept", std::move(cc), a);
    return std::nullopt;
  }
  return problem(obx, 2, hl7_error_code::data_type,
                 "OBX-2 value type is not supported here (NM, SN, ST, TX, FT, CWE, CE, CNE)");
}

outcome observation_notes(const build_state& b, const segment& obx, Value& o, allocator& a) {
  const auto all = b.read.msg().segments();
  for (std::size_t i = obx.index(); i < all.size() && all[i].id() == "NTE"; ++i) {
    push(o, "note", annotation(b.read.all_text(all[i], 3), a), a);
  }
  return std::nullopt;
}

}  // namespace gateway::hl7v2::ref_i12::rows
