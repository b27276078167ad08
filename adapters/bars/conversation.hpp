#pragma once
// What every later message about a BaRS referral needs from the message that made it: the
// original Bundle.id (each reply's MessageHeader.response.identifier), its X-Correlation-ID (kept
// by every reply), where the sender said replies go (MessageHeader.source.endpoint, which the
// guide also says must be stored for audit), the sender's name for its ServiceRequest and
// Encounter, and the endpoint that named this service. Written once, with the referral, in the
// same unit of work, as a stored R4 `Basic` resource with the id "bars-<ServiceRequest id>"
// (found by a read, no search), owned by the referrer; it never changes afterwards.
//
// Thread safety: pure functions.
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace gateway::bars {

inline constexpr std::string_view conversation_resource_type = "Basic";
inline constexpr std::string_view conversation_extension =
    "https://referral-gateway.example.org/fhir/StructureDefinition/bars-conversation";
inline constexpr std::string_view conversation_code_system =
    "https://referral-gateway.example.org/fhir/CodeSystem/record-kind";

struct conversation {
  std::string service_request_id;      // the stored referral (ServiceRequest.id)
  std::string original_bundle_id;      // Bundle.id of the message that made the referral
  std::string correlation_id;          // its X-Correlation-ID
  std::string source_endpoint;         // its MessageHeader.source.endpoint, as sent
  std::string destination_endpoint;    // the MessageHeader.destination.endpoint that named this service
  std::string service_request_uuid;    // the sender's id for its ServiceRequest (UUID)
  std::string encounter_full_url;      // the sender's Encounter of the referral (fullUrl), "" if none
  std::string encounter_class_system;  // its class, echoed in replies; "" if none
  std::string encounter_class_code;
  bool operator==(const conversation&) const = default;
};

// "bars-<ServiceRequest id>"
std::string conversation_id(std::string_view service_request_id);

// The Basic resource (id set, subject ServiceRequest/<id>, created = the date of `created`, a
// FHIR instant or date).
rapidjson::Document conversation_resource(const conversation& c, std::string_view created);

// Read back from the stored resource; nullopt when it is not one.
std::optional<conversation> read_conversation(const rapidjson::Value& resource);

}  // namespace gateway::bars
