#pragma once
// Identifier systems and code systems the core reads and writes, kept in one place so that a
// URL is never spelled twice. The platform's own code systems live as FHIR CodeSystem JSON in
// config/ (the data); their canonical URLs are repeated here only so code can name them, and a
// unit test checks each file's `url` equals the constant below.
//
// Thread safety: compile-time constants.

#include <string_view>

namespace gateway::core::systems {

// NHS England identifier systems (shared/clinical-codes.md).
inline constexpr std::string_view nhs_number = "https://fhir.nhs.uk/Id/nhs-number";
inline constexpr std::string_view ods_organisation = "https://fhir.nhs.uk/Id/ods-organization-code";

// International terminologies.
inline constexpr std::string_view loinc = "http://loinc.org";
inline constexpr std::string_view snomed = "http://snomed.info/sct";
inline constexpr std::string_view data_absent_reason = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
inline constexpr std::string_view observation_category = "http://terminology.hl7.org/CodeSystem/observation-category";
inline constexpr std::string_view ordinal_value_extension = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

// The platform's code systems (config/codesystem-*.json).
inline constexpr std::string_view business_status =
    "https://referral-gateway.example.org/fhir/CodeSystem/business-status";
inline constexpr std::string_view outcome_summary =
    "https://referral-gateway.example.org/fhir/CodeSystem/outcome-summary";
inline constexpr std::string_view triage_suggestion =
    "https://referral-gateway.example.org/fhir/CodeSystem/triage-suggestion";
// MessageHeader.eventCoding of feedback messages (config/codesystem-message-event.json).
inline constexpr std::string_view message_event = "https://referral-gateway.example.org/fhir/CodeSystem/message-event";

}  // namespace gateway::core::systems

namespace gateway::core::codes {

// LOINC outcome measures (shared/clinical-codes.md).
inline constexpr std::string_view phq9_total = "44261-6";
inline constexpr std::string_view phq9_item9 = "44260-8";
inline constexpr std::string_view gad7_total = "70274-6";

}  // namespace gateway::core::codes
