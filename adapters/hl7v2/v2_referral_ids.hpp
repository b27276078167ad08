#pragma once
// The referrer's own referral id (RF1-6, an EI: id ^ namespace id ^ universal id ^ universal id
// type) as a FHIR identifier and back, so the id a clinic system sent comes back to it unchanged
// in RF1-6 of every RRI^I12 and in OBR-2 of every ORU^R01:
//   universal id with type ISO  <->  system "urn:oid:<universal id>"
//   namespace id                <->  system "urn:referral-gateway:hl7v2:referral-id:<namespace, %-encoded>"
//   neither                     <->  system "urn:referral-gateway:hl7v2:referral-id"
// A referral that arrived over FHIR has a URL system: it goes out as universal id = the system,
// type URI.
//
// Thread safety: pure functions.
#include <string>
#include <string_view>

namespace gateway::hl7v2 {

inline constexpr std::string_view referral_id_base = "urn:referral-gateway:hl7v2:referral-id";
inline constexpr std::string_view external_referral_id_base = "urn:referral-gateway:hl7v2:external-referral-id";

std::string referral_id_system(std::string_view namespace_id, std::string_view universal_id,
                               std::string_view universal_id_type);
std::string external_referral_id_system(std::string_view namespace_id);

struct entity_identifier {  // EI
  std::string id, namespace_id, universal_id, universal_id_type;
};

entity_identifier entity_identifier_for(std::string_view system, std::string_view value);

}  // namespace gateway::hl7v2
