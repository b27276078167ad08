// The REF^I12 -> FHIR table (ref_i12_rules.hpp): one row per v2 field, in the order rows are
// applied. The functions behind the rows are in ref_i12_referral_rows.cpp and
// ref_i12_clinical_rows.cpp.
#include "adapters/hl7v2/ref_i12_rules.hpp"

#include <array>

#include "adapters/hl7v2/ref_i12_rows.hpp"

namespace gateway::hl7v2::ref_i12 {
namespace {

using namespace rows;

constexpr std::array<rule, 38> table = {{
    // ServiceRequest: the referral
    {"ServiceRequest", "identifier", "RF1", 6,
     "RF1-6 originating referral identifier (EI: id ^ namespace ^ universal id ^ type)",
     "ServiceRequest.identifier[0] (the referrer's own id: repeats are recognised by it)", sr_identifier},
    {"ServiceRequest", "identifier", "RF1", 11, "RF1-11 external referral identifier (EI)",
     "ServiceRequest.identifier[1]", sr_external_identifier},
    {"ServiceRequest", "status", "RF1", 1, "RF1-1 referral status: P or A (other values refused)",
     "ServiceRequest.status = active", sr_status},
    {"ServiceRequest", "intent", "MSH", 9, "MSH-9 REF^I12 (a referral)", "ServiceRequest.intent = order", sr_intent},
    {"ServiceRequest", "category", "RF1", 3, "RF1-3 referral type (HL7 table 0281)",
     "ServiceRequest.category (v2-0281)", sr_category_type},
    {"ServiceRequest", "category", "RF1", 5, "RF1-5 referral category (HL7 table 0284)",
     "ServiceRequest.category (v2-0284)", sr_category_category},
    {"ServiceRequest", "priority", "RF1", 2, "RF1-2 referral priority: S, A, R",
     "ServiceRequest.priority: stat, asap, routine", sr_priority},
    {"ServiceRequest", "subject", "PID", 0, "PID (the patient)", "ServiceRequest.subject -> the Patient entry",
     sr_subject},
    {"ServiceRequest", "authoredOn", "RF1", 9, "RF1-9 process date, else MSH-7 date/time of message",
     "ServiceRequest.authoredOn", sr_authored_on},
    {"ServiceRequest", "occurrencePeriod", "RF1", 7, "RF1-7 effective date, RF1-8 expiration date",
     "ServiceRequest.occurrencePeriod.start, .end", sr_occurrence},
    {"ServiceRequest", "requester", "PRD", 1, "PRD with PRD-1 = RP (referring provider), else the sender (MSH-4)",
     "ServiceRequest.requester -> the PractitionerRole entry, else the Organization entry", sr_requester},
    {"ServiceRequest", "reasonReference", "DG1", 3, "DG1 (each diagnosis)",
     "ServiceRequest.reasonReference -> the Condition entries", sr_reasons},
    {"ServiceRequest", "supportingInfo", "OBX", 0, "OBX (each observation)",
     "ServiceRequest.supportingInfo -> the Observation entries", sr_supporting_info},
    {"ServiceRequest", "note", "NTE", 3, "NTE-3 comment (NTE not following an OBX; repetitions joined by line feeds)",
     "ServiceRequest.note[].text", sr_notes},
    // Patient
    {"Patient", "identifier", "PID", 3,
     "PID-3 patient identifier list: the repetition whose CX-4 assigning authority is NHS",
     "Patient.identifier (system https://fhir.nhs.uk/Id/nhs-number); check digit verified by the referral profile",
     patient_nhs_number},
    {"Patient", "name", "PID", 5,
     "PID-5 patient name (XPN: family ^ given ^ further given ^ suffix ^ prefix ... ^ type)",
     "Patient.name (family, given, suffix, prefix; type L/D/M/N -> use official/usual/maiden/nickname)", patient_names},
    {"Patient", "birthDate", "PID", 7, "PID-7 date/time of birth", "Patient.birthDate (the date part)",
     patient_birth_date},
    {"Patient", "gender", "PID", 8, "PID-8 administrative sex: M, F, O, U, A, N",
     "Patient.gender: male, female, other, unknown, other, unknown", patient_gender},
    {"Patient", "address", "PID", 11,
     "PID-11 patient address (XAD: street ^ other ^ city ^ state ^ postcode ^ country ^ type)",
     "Patient.address (line, city, state, postalCode, country, use)", patient_addresses},
    {"Patient", "telecom", "PID", 13, "PID-13 home phone / email (XTN)", "Patient.telecom (use home unless XTN-2 says)",
     patient_home_telecom},
    {"Patient", "telecom", "PID", 14, "PID-14 business phone (XTN)", "Patient.telecom (use work unless XTN-2 says)",
     patient_work_telecom},
    // Organization: the referring organisation
    {"Organization", "identifier", "MSH", 4,
     "MSH-4 sending facility (with the source address or the TLS certificate: a configured sender)",
     "Organization.identifier (ODS code of that sender)", organization_ods},
    // Practitioner and PractitionerRole: the referring provider
    {"Practitioner", "name", "PRD", 2, "PRD-2 provider name (PRD-1 = RP)", "Practitioner.name", practitioner_name},
    {"Practitioner", "address", "PRD", 3, "PRD-3 provider address (PRD-1 = RP)", "Practitioner.address",
     practitioner_address},
    {"Practitioner", "telecom", "PRD", 5, "PRD-5 provider communication information (PRD-1 = RP)",
     "Practitioner.telecom", practitioner_telecom},
    {"Practitioner", "identifier", "PRD", 7, "PRD-7 provider identifiers with type SDS (PRD-1 = RP)",
     "Practitioner.identifier (system https://fhir.nhs.uk/Id/sds-user-id)", practitioner_sds_id},
    {"PractitionerRole", "practitioner", "PRD", 1, "PRD-1 = RP (referring provider)",
     "PractitionerRole.practitioner, .organization -> the Practitioner and Organization entries", role_links},
    // Condition: one per DG1
    {"Condition", "code", "DG1", 3, "DG1-3 diagnosis code (CWE: code ^ text ^ coding system), DG1-4 description",
     "Condition.code (coding system from table 0396: SCT, I10, LN, ...; text)", condition_code},
    {"Condition", "subject", "PID", 0, "PID (the patient)", "Condition.subject -> the Patient entry",
     condition_subject},
    {"Condition", "recordedDate", "DG1", 5, "DG1-5 diagnosis date/time", "Condition.recordedDate", condition_recorded},
    // Observation: one per OBX (PHQ-9 / GAD-7 totals and items)
    {"Observation", "status", "OBX", 11, "OBX-11 result status: F/U, C, P/R/S, I, D/W, X",
     "Observation.status: final, corrected, preliminary, registered, entered-in-error, cancelled", observation_status},
    {"Observation", "code", "OBX", 3, "OBX-3 observation identifier (LOINC 44261-6 PHQ-9 total, 44260-8 item 9, ...)",
     "Observation.code", observation_code},
    {"Observation", "subject", "PID", 0, "PID (the patient)", "Observation.subject -> the Patient entry",
     observation_subject},
    {"Observation", "effectiveDateTime", "OBX", 14, "OBX-14 date/time of the observation",
     "Observation.effectiveDateTime", observation_effective},
    {"Observation", "value[x]", "OBX", 5,
     "OBX-5 value by OBX-2 type: NM (and SN), ST/TX/FT, CWE/CE/CNE; OBX-6 units. Scores must be NM, SN or CWE",
     "Observation.valueQuantity (UCUM when OBX-6.3 = UCUM) / valueString / valueCodeableConcept", observation_value},
    {"Observation", "note", "NTE", 3, "NTE-3 comment of NTE segments following the OBX", "Observation.note[].text",
     observation_notes},
    // Rows without a target, listed so the table says what happens to them.
    {"", "", "PRD", 1, "PRD with another role (RT referred-to, CP, PP, ...)",
     "not mapped (the platform is the receiver)", nullptr},
    {"", "", "OBR", 0, "OBR, AUT, NK1, GT1, IN1/IN2, ACC, AL1, PR1, PV1/PV2, SFT, other PID fields",
     "not mapped (not needed for a referral to the platform; the message is acknowledged as a whole)", nullptr},
}};

}  // namespace

std::span<const rule> rules() {
  return table;
}

}  // namespace gateway::hl7v2::ref_i12
