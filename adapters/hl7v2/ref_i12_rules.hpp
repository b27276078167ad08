#pragma once
// The REF^I12 -> FHIR table: one row per v2 field (or segment) and the FHIR element it becomes.
// Rows are applied in order to the resource their `resource` names, built from `segment` (the
// occurrence being mapped for repeating segments); the same rows render the README table and
// map validation issues back to v2 fields.
//
// Thread safety: immutable data and pure functions.
#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/mapping_problem.hpp"
#include "adapters/hl7v2/ref_i12_mapping.hpp"
#include "adapters/hl7v2/v2_reader.hpp"

namespace gateway::hl7v2::ref_i12 {

// What every row may read: the message, the references between the entries being built.
struct build_state {
  const v2_reader& read;
  const ref_i12_context& context;
  std::string patient_ref, organization_ref, practitioner_ref, role_ref;  // urn:uuid:...
  std::vector<std::string> condition_refs, observation_refs;
  const segment* referring_provider = nullptr;  // PRD with PRD-1 = RP, naming someone
  // NTE segments that belong to the referral (not to an OBX).
  std::vector<const segment*> referral_notes;
};

using apply_fn = std::optional<mapping_problem> (*)(const build_state& b, const segment& source,
                                                    rapidjson::Value& resource, v2_reader::allocator& a);

struct rule {
  std::string_view resource;  // "ServiceRequest"
  std::string_view element;   // the element under the resource: "identifier", "value[x]" (any value)
  std::string_view segment;   // "RF1"
  std::size_t field = 0;      // 6 (0: the segment as a whole)
  std::string_view v2;        // README text: "RF1-6 originating referral identifier (EI)"
  std::string_view fhir;      // README text: "ServiceRequest.identifier[0]"
  apply_fn apply = nullptr;
};

std::span<const rule> rules();

}  // namespace gateway::hl7v2::ref_i12
