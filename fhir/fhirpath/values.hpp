#pragma once
// Internal: System values of FHIRPath items (FHIR primitives mapped onto System types), equality,
// equivalence and ordering with the partial-precision rules of dates and times, and type tests.

#include <optional>
#include <string_view>

#include "fhir/fhirpath/fhirpath.hpp"

namespace fhir::fhirpath::detail {

// Three-valued result of comparing two items: unknown when the specification says "empty"
// (different date precisions, incompatible units).
enum class tri : std::uint8_t { no, yes, unknown };

// Equality of single items (=). Complex nodes compare by content.
tri equal(const model& m, const item& a, const item& b);
// Equivalence of single items (~).
bool equivalent(const model& m, const item& a, const item& b);
// Ordering: <0, 0, >0; nullopt when the items cannot be compared (then the result is empty);
// `incomparable` is set when the types do not match (an evaluation error).
std::optional<int> compare(const model& m, const item& a, const item& b, bool& incomparable);

// Quantity view of an item: a quantity literal or a node of a Quantity type.
bool quantity_of(const model& m, const item& in, double& value, std::string_view& unit);

// Name of the item's type (FHIR type of a node, System type of a value).
std::string_view type_name(const model& m, const item& i);
// Whether the item is of type `name` (FHIR or System, with the FHIR type hierarchy).
bool is_type(const model& m, const item& i, std::string_view name);

// Parses a FHIRPath/FHIR date, dateTime or time into comparable parts.
struct moment {
  int part[7] = {0, 0, 0, 0, 0, 0, 0};  // year, month, day, hour, minute, second, millisecond
  int precision = 0;                    // parts present
  bool time_only = false;
  bool has_zone = false;
  int zone_minutes = 0;
};
bool parse_moment(std::string_view text, bool time_only, moment& out);
std::optional<int> compare_moments(const moment& a, const moment& b);

}  // namespace fhir::fhirpath::detail
