#pragma once
// Who is behind a BaRS request besides the certificate: the headers NHSD-End-User-Organisation
// (base64 JSON of a FHIR Organization), NHSD-Requesting-Software (of a Device) and
// NHSD-Requesting-Practitioner (of a PractitionerRole), API 1.5.0. Access is decided by the
// client certificate alone (DESIGN.md §2); these are recorded in the audit trail, so the trail
// says which organisation, product and practitioner a sender acted for.
//
// Each header is optional here (a sender connected directly over mTLS may leave them out; the
// audit then says so), but one that is present must decode: not base64, not a JSON object, or
// of the wrong resourceType is error_kind::invalid naming the header (400 REC_BAD_REQUEST).
// The API's example Device writes deviceName and version as objects, R4 as arrays: both read.
//
// Thread safety: pure functions.
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/error.hpp"

namespace gateway::bars {

struct requesting_party {
  bool organisation_given = false;
  std::string organisation_code;  // Organization.identifier[0]: "system|value" (an ODS code, usually)
  std::string organisation_name;
  bool software_given = false;
  std::string software_id;  // Device.identifier[0]: "system|value"
  std::string software_name;
  std::string software_version;
  bool practitioner_given = false;
  std::string practitioner_id;  // PractitionerRole.identifier[0]: "system|value" (SDS role profile id)

  // One line for the AuditEvent ("organisation X (name); software S v1 (id); practitioner P"),
  // empty when no header was given. Carries no patient data.
  std::string audit_text() const;
};

core::result<requesting_party> read_requesting_party(std::optional<std::string_view> end_user_organisation,
                                                     std::optional<std::string_view> requesting_software,
                                                     std::optional<std::string_view> requesting_practitioner);

}  // namespace gateway::bars
