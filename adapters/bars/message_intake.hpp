#pragma once
// A $process-message request read into what the use cases need, with every BaRS rule that comes
// before them checked (BaRS Core: transactional integrity, message headers; API 1.5.0 headers),
// in this order, the first failure answering:
//   1. X-Request-ID and X-Correlation-ID present and UUIDs               400 REC_BAD_REQUEST
//   2. NHSD-Target-Identifier present, base64 of {"system","value"}       400 REC_BAD_REQUEST
//      and naming one of this service's identifiers (bars.service_identifiers)  404 REC_NOT_FOUND
//   3. NHSD-End-User-Organisation / -Requesting-Software /
//      -Requesting-Practitioner decode when present (for the audit)      400 REC_BAD_REQUEST
//   4. the body: JSON, R4-valid (fhir::validate), a BaRS message (inbound_message.hpp)
//                                                                          400 / 422
//   5. MessageHeader.destination names this service too                  404 REC_NOT_FOUND
//   6. what it asks: reason new -> a new referral (referral_mapping.hpp); reason update or
//      delete with the ServiceRequest revoked or entered-in-error -> cancel the referral the
//      sender named by its ServiceRequest UUID; update or delete with any other status
//                                                                          422 REC_UNPROCESSABLE_ENTITY
// Nothing is stored here; the caller hands the result to the use-case services.
//
// Thread safety: pure; the result owns its documents.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/bars/conversation.hpp"
#include "adapters/bars/inbound_message.hpp"
#include "adapters/bars/referral_mapping.hpp"
#include "adapters/bars/requesting_party.hpp"
#include "adapters/bars/target_identifier.hpp"
#include "adapters/bars/transaction_ids.hpp"
#include "fhir/json_parse.hpp"
#include "fhir/outcome.hpp"

namespace gateway::bars {

// The request's header fields (nullopt: absent).
struct message_headers {
  std::optional<std::string_view> request_id;
  std::optional<std::string_view> correlation_id;
  std::optional<std::string_view> target_identifier;
  std::optional<std::string_view> end_user_organisation;
  std::optional<std::string_view> requesting_software;
  std::optional<std::string_view> requesting_practitioner;
};

enum class message_action { create_referral, cancel_referral };

struct message_intake {
  transaction_ids ids;
  requesting_party party;
  std::unique_ptr<rapidjson::Document> bundle;  // as received
  inbound_message message;                      // points into `bundle`
  message_action action = message_action::create_referral;
  mapped_referral referral;  // create_referral: the copy the create use case takes
  // The referral's identifier as the gateway stores it ({urn:ietf:rfc:3986, urn:uuid:<the
  // sender's ServiceRequest UUID>}): what a cancellation names.
  std::string identifier_system;
  std::string identifier_value;
  // What every reply needs (conversation.hpp), without the stored ServiceRequest id.
  conversation origin;
  std::vector<fhir::issue> notes;  // warnings and information for the answer
};

// Why a request is refused before the use cases: the HTTP status BaRS pairs with the problem and
// the issues naming the element or header.
struct intake_refusal {
  int status = 400;
  fhir::outcome outcome;
};

struct intake_outcome {
  std::optional<message_intake> intake;
  std::optional<intake_refusal> refusal;  // exactly one of the two is set
};

intake_outcome read_message_intake(const message_headers& headers, std::string_view body,
                                   const std::vector<target_identifier>& services, const fhir::json_limits& limits);

}  // namespace gateway::bars
