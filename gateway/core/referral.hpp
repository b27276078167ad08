#pragma once
// The normalised referral: what the gateway knows about a referral, independent of the wire
// format it arrived in. A FHIR ServiceRequest maps to it today (normalise_service_request.hpp);
// HL7 v2 REF^I12 and NHS BaRS map to the same struct later, so triage, events and the referral
// profile never look at wire formats.
//
// Data members are plain public fields (an aggregate, Boost style for value types); empty strings
// and empty optionals mean "not given".
//
// Thread safety: a value type; immutable once built, share freely between threads.

#include "gateway/core/fhir_time.hpp"
#include "gateway/core/request_priority.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gateway::core {

struct identifier {
  std::string system;
  std::string value;
  bool operator==(const identifier&) const = default;
};

struct coding {
  std::string system;
  std::string code;
  std::string display;
  bool operator==(const coding&) const = default;
};

// A supporting Observation (or one component of it, e.g. a PHQ-9 panel's item 9), reduced to
// what triage rules test: the codes it is about and its value.
struct supporting_observation {
  std::vector<coding> codes;           // Observation.code.coding (or component.code.coding)
  std::optional<double> value_number;  // valueQuantity.value | valueInteger | valueDecimal
  std::vector<coding> value_codes;     // every valueCodeableConcept.coding (any may be the LOINC one)
  std::optional<bool> value_boolean;   // valueBoolean
  std::string value_text;              // valueString
  std::string effective;               // effectiveDateTime / effectivePeriod.start, as sent
  std::string source;                  // the reference it came from ("#phq9", "urn:uuid:...")
};

// One answer in a supporting QuestionnaireResponse, flattened from nested items.
struct questionnaire_answer {
  std::string link_id;                  // as sent; triage also matches configured aliases
  std::vector<std::string> item_codes;  // what the item says it asks: the last segment of its
                                        // `definition` ("http://loinc.org/44260-8" -> "44260-8")
                                        // and the codes of an item `code`, where a sender adds one
  std::optional<double> value_number;   // valueInteger | valueDecimal | ordinalValue extension
  std::vector<coding> value_codes;      // valueCoding (one), kept as a list like an Observation's
  std::optional<bool> value_boolean;    // valueBoolean
  std::string value_text;               // valueString
  std::string source;                   // reference of the QuestionnaireResponse
};

struct referral {
  std::string service_request_id;  // ServiceRequest.id as received (may be empty on create)
  std::string status;              // ServiceRequest.status (active, revoked, ...)
  identifier referrer_identifier;  // the referrer's own id for this referral (idempotency)
  std::string requester_ods;       // the referring organisation's ODS code
  std::string nhs_number;
  std::optional<date> birth_date;  // a full date only; partial dates leave this empty
  std::vector<coding> reasons;     // reasonCode codings and reasonReference Condition codes
  request_priority priority = request_priority::routine;
  std::string authored_on;  // as sent (FHIR dateTime)
  std::string occurrence;   // occurrenceDateTime or occurrencePeriod.start, as sent
  std::string note;         // note[].text joined by blank lines
  std::vector<supporting_observation> observations;
  std::vector<questionnaire_answer> answers;
  // Codes of every Flag and Condition of the referral (Flag.code, Condition.code), whether or not
  // supportingInfo or reasonReference names it: what coded risk findings are matched against.
  std::vector<coding> findings;
};

}  // namespace gateway::core
