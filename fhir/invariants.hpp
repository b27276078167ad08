#pragma once
// Which FHIR R4 invariants (constraint keys in the StructureDefinitions) the validator checks and
// which it does not. The list is data so it can be printed, tested and reviewed in one place.

#include <span>
#include <string_view>

namespace fhir {

struct invariant_status {
  std::string_view key;      // e.g. "bdl-3"
  bool checked;              // true: implemented and tested
  std::string_view meaning;  // what it says, or why it is not checked
};

std::span<const invariant_status> invariant_table();

}  // namespace fhir
