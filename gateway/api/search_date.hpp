#pragma once
// FHIR search date values (_lastUpdated, AuditEvent date): an optional prefix (eq, ge, gt, le, lt)
// and a date or dateTime at any precision ("2024", "2024-05", "2024-05-01",
// "2024-05-01T10:00Z", "2024-05-01T10:00:00.123+01:00"). A value stands for the whole range its
// precision covers, so each value narrows a pair of inclusive millisecond bounds; several values
// of one parameter are ANDed. A dateTime without a zone is taken as UTC.
//
// Thread safety: pure functions.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gateway::api {

using instant_ms = std::chrono::sys_time<std::chrono::milliseconds>;

// The inclusive range a date or dateTime covers; nullopt when it is not one.
struct instant_range {
  instant_ms low;
  instant_ms high;
};
std::optional<instant_range> parse_search_date(std::string_view text);

// Inclusive bounds on an instant; absent = unbounded.
struct instant_bounds {
  std::optional<instant_ms> ge;
  std::optional<instant_ms> le;
};

// Narrows `bounds` by one value "[prefix]date". Returns an error text (without the parameter
// name) when the value is not a date or the prefix is not supported; empty on success.
std::string narrow_by_date(std::string_view value, instant_bounds& bounds);

// Bounds as text the store compares with its instants ("YYYY-MM-DDThh:mm:ss.sssZ"). An upper
// bound at the last millisecond of a second is written at whole seconds ("...:59Z"): in text
// order that is at or after every instant of that second whether it was written with
// milliseconds or without (the store's resource times and audit times differ in this), while a
// lower bound with ".000" is at or before both forms.
std::string lower_bound_text(instant_ms t);
std::string upper_bound_text(instant_ms t);

}  // namespace gateway::api
