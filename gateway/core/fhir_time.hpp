#pragma once
// FHIR date and dateTime values as std::chrono calendar types: parsing what referrers send,
// formatting what the gateway writes, and the age arithmetic triage needs. Partial dates
// ("1980", "1980-05") are legal FHIR but carry no exact day, so they parse as "absent" here:
// an age rule must not guess.
//
// Thread safety: pure functions.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gateway::core {

using date = std::chrono::year_month_day;
using instant = std::chrono::sys_seconds;

// "YYYY-MM-DD" exactly (a full FHIR date), else nullopt.
std::optional<date> parse_fhir_date(std::string_view text);

// A full FHIR dateTime "YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm]" as UTC seconds, or a full date
// (taken as 00:00 UTC, good enough for ordering measurements), else nullopt.
std::optional<instant> parse_fhir_date_time(std::string_view text);

// "YYYY-MM-DD".
std::string format_date(date d);

// "YYYY-MM-DDThh:mm:ssZ" (FHIR instant, UTC, whole seconds).
std::string format_instant(instant t);
inline std::string format_instant(std::chrono::system_clock::time_point t) {
  return format_instant(std::chrono::floor<std::chrono::seconds>(t));
}

// Completed years between birth and on (0 when on is before birth). Someone born on 29 February
// turns a year older on 1 March in non-leap years.
int age_in_years(date birth, date on);

}  // namespace gateway::core
