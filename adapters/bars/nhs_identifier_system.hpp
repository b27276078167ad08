#pragma once
// How the gateway reads NHS England identifier systems that BaRS messages spell wrongly.
// The published BaRS examples write the ODS system with a lower-case "id"
// (https://fhir.nhs.uk/id/ods-organization-code) and the Directory of Services system with
// "http:" (http://fhir.nhs.uk/Id/dos-service-id); UK Core and NHS England define them as
// https://fhir.nhs.uk/Id/<name>. Both variants are read as the defined system and reported as a
// warning (README, "BaRS: where the published examples differ from the rules"): the value they
// qualify is unambiguous, every published example uses them, and refusing would refuse every
// sender built from those examples. Nothing else is rewritten.
//
// Thread safety: pure functions.
#include <string>
#include <string_view>

namespace gateway::bars {

struct canonical_system {
  std::string system;      // the defined spelling
  bool corrected = false;  // true when `system` differs from what was given
};

// https://fhir.nhs.uk/Id/<rest> for http(s)://fhir.nhs.uk/<id|Id|ID|iD>/<rest>; anything else as given.
canonical_system canonical_nhs_system(std::string_view system);

}  // namespace gateway::bars
