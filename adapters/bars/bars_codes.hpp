#pragma once
// The NHS Booking and Referral Standard's (BaRS) names, spelled once: code systems, codes, HTTP
// header fields. Sources (checked against the public specification; nothing copied):
//   - BaRS API 1.5.0, NHSDigital/booking-and-referral-fhir-api specification/booking-and-referral-1.5.0.yaml
//     (header parameters, the 4XX-BARS/5XX-BARS error tables);
//   - BaRS implementation guide, NHSDigital/NHSDigital-FHIR-BookingAndReferrals (Core: message
//     headers, transactional integrity, error handling, cancellation);
//   - e-RS API, NHSDigital/e-referrals-service-api components/r4/schemas/codings/ServiceRequest-State.yaml
//     (the eRS-ReferralState codes).
//
// Thread safety: compile-time constants.
#include <string_view>

namespace gateway::bars {

namespace systems {
inline constexpr std::string_view message_event = "https://fhir.nhs.uk/CodeSystem/message-events-bars";
inline constexpr std::string_view message_reason = "https://fhir.nhs.uk/CodeSystem/message-reason-bars";
// Note the lower-case "Codesystem": that is how BaRS spells this one.
inline constexpr std::string_view http_error_codes = "https://fhir.nhs.uk/Codesystem/http-error-codes";
inline constexpr std::string_view ers_referral_state = "https://fhir.nhs.uk/CodeSystem/eRS-ReferralState";
inline constexpr std::string_view ers_state_extension =
    "https://fhir.nhs.uk/StructureDefinition/Extension-eRS-ServiceRequest-State";
inline constexpr std::string_view dos_service_id = "https://fhir.nhs.uk/Id/dos-service-id";
// FHIR's system for identifiers that are URIs: the sender's urn:uuid of its ServiceRequest.
inline constexpr std::string_view uri_identifier = "urn:ietf:rfc:3986";
}  // namespace systems

namespace events {
inline constexpr std::string_view servicerequest_request = "servicerequest-request";
inline constexpr std::string_view servicerequest_response = "servicerequest-response";
}  // namespace events

namespace headers {
inline constexpr std::string_view request_id = "X-Request-ID";
inline constexpr std::string_view correlation_id = "X-Correlation-ID";
inline constexpr std::string_view target_identifier = "NHSD-Target-Identifier";
inline constexpr std::string_view end_user_organisation = "NHSD-End-User-Organisation";
inline constexpr std::string_view requesting_software = "NHSD-Requesting-Software";
inline constexpr std::string_view requesting_practitioner = "NHSD-Requesting-Practitioner";
}  // namespace headers

}  // namespace gateway::bars
