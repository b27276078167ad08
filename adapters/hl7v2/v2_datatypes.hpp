#pragma once
// Conversions between HL7 v2 data types and FHIR primitive values, shared by both directions of
// the mapping: DTM (date/time) <-> FHIR date/dateTime/instant, and coding-system names (HL7 table
// 0396: LN, SCT, I10, ...) <-> FHIR system URIs.
//
// A DTM with a time but no UTC offset cannot become a FHIR dateTime (which then requires a zone)
// without guessing: the date alone is kept.
//
// Thread safety: pure functions.
#include <optional>
#include <string>
#include <string_view>

namespace gateway::hl7v2 {

// "YYYY[MM[DD[...]]]" -> "YYYY", "YYYY-MM" or "YYYY-MM-DD" (any time part ignored); nullopt when
// the digits do not form a date.
std::optional<std::string> fhir_date_from_dtm(std::string_view dtm);

// "YYYY[MM[DD[HH[MM[SS[.S{1,4}]]]]]][+/-ZZZZ]" -> FHIR dateTime: the date alone when there is no
// time or no offset, else "YYYY-MM-DDThh:mm:ss[.ffff]+hh:mm". nullopt when malformed.
std::optional<std::string> fhir_date_time_from_dtm(std::string_view dtm);

// FHIR date, dateTime or instant -> DTM ("2024-03-01T10:00:00Z" -> "20240301100000+0000",
// "2024-03-01" -> "20240301"). nullopt when malformed.
std::optional<std::string> dtm_from_fhir(std::string_view fhir);

// HL7 table 0396 name -> FHIR system ("LN" -> "http://loinc.org"); empty when not known.
std::string_view fhir_system_for(std::string_view coding_system);
// FHIR system -> HL7 table 0396 name; empty when not known.
std::string_view coding_system_for(std::string_view fhir_system);

}  // namespace gateway::hl7v2
