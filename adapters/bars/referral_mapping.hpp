#pragma once
// A BaRS referral message (reason new) as the gateway's referral: a copy of the message Bundle in
// which the focus ServiceRequest carries what the platform's referral profile needs and BaRS
// puts elsewhere, ready for the same create use case as a FHIR transaction (every entry is kept,
// in the same order, so each refusal names the element of the message as sent). What changes in
// the copy, each reported as an information issue naming the element (README "BaRS"):
//   - ServiceRequest.identifier: {urn:ietf:rfc:3986, urn:uuid:<the sender's id for it>} first. BaRS
//     names a referral by the ServiceRequest's id or urn:uuid fullUrl across messages; as the
//     referral identifier it makes a repeated referral idempotent and lets a cancellation find it.
//   - ServiceRequest.intent "plan" (BaRS fixes it so): "order", as the platform's profile records
//     a referral it is asked to act on; replies say "plan" again.
//   - ServiceRequest.authoredOn, when absent: Bundle.timestamp (when the sender assembled it).
//   - ServiceRequest.reasonCode, when neither reasonCode nor reasonReference is given: the coded
//     concepts of the CarePlans in basedOn (activity.outcomeCodeableConcept: the NHS Pathways
//     disposition and symptom codes BaRS carries there) and of the Encounter's reasonCode.
//   - ServiceRequest.requester, when it names no ODS code (a Practitioner alone, as in the
//     published examples): the message's sender Organization (MessageHeader.sender), which carries
//     the ODS code access control compares with the certificate. The practitioner stays in the
//     message's other entries.
//   - NHS England identifier systems spelt as in the published examples (lower-case "id", http:)
//     are written as defined (nhs_identifier_system.hpp), each reported as a warning.
// Reported but not changed: each relative reference to a record of the sender's system that the
// gateway never stores (core::sender_record_types, e.g. Encounter.episodeOfCare ->
// EpisodeOfCare/...), kept as sent and not resolved (an information issue naming it).
// Nothing else is filled in: a referral still missing what the profile needs (an NHS number that
// fails modulus 11, no reason anywhere, no ODS code) is refused by the use case, naming the element.
//
// Thread safety: pure; the result owns its copy.
#include <memory>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/bars/inbound_message.hpp"
#include "fhir/outcome.hpp"
#include "gateway/core/transaction_bundle.hpp"

namespace gateway::bars {

struct mapped_referral {
  std::unique_ptr<rapidjson::Document> bundle;  // the message with the changes above
  core::transaction_referral entries;           // read from `bundle`; points into it
  std::vector<fhir::issue> notes;               // warnings and information, each naming its element
};

// `message` was read from `original` (read_inbound_message).
mapped_referral map_referral(const inbound_message& message, const rapidjson::Value& original);

// Identifier systems in `resource` (a whole Bundle or one resource) corrected in place; a note per
// correction, named under `expression`. Used for the referral copy and for cancellations.
void correct_identifier_systems(rapidjson::Value& resource, const std::string& expression,
                                std::vector<fhir::issue>& notes, rapidjson::Document::AllocatorType& allocator);

}  // namespace gateway::bars
