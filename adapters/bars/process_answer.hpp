#pragma once
// The synchronous answer to a $process-message that was processed (HTTP 200; API 1.5.0: the
// answer is a message Bundle): the same servicerequest-response a later reply is
// (reply_message.hpp), describing the referral as it now stands — the stored ServiceRequest
// (active after a new referral, revoked after a cancellation), the receiver's Encounter and the
// Task — with MessageHeader.response naming the message just processed (identifier = its
// Bundle.id, code ok) and, when the gateway read something differently from how it was sent
// (referral_mapping.hpp), an OperationOutcome of those notes as response.details.
//
// Thread safety: pure.
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/bars/conversation.hpp"
#include "fhir/outcome.hpp"

namespace gateway::bars {

struct answer_input {
  std::string message_id;  // a new UUID
  std::string timestamp;   // FHIR instant
  conversation origin;     // of the referral; service_request_id set
  std::string referrer_ods;
  std::string platform_ods;
  std::string base_url;                               // the gateway's FHIR base, for the Task's fullUrl
  const rapidjson::Value* service_request = nullptr;  // stored
  const rapidjson::Value* task = nullptr;             // stored
  std::vector<fhir::issue> notes;
};

rapidjson::Document build_process_answer(const answer_input& in);

}  // namespace gateway::bars
