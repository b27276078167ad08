#pragma once
// The BaRS asynchronous reply about a referral (BaRS Core "Asynchronous response workflows";
// event servicerequest-response), built when the outbox delivers a feedback item to a referrer
// whose delivery mode is "bars". The outbox holds the same feedback message every mode gets
// (gateway/core/feedback_message.hpp: MessageHeader, the Task, the ServiceRequest, any outcome
// resources), so what a referrer was due is recorded once whatever it speaks; this turns that
// message and the referral's BaRS conversation (conversation.hpp) into the reply:
//
//   Bundle      type message, id = the feedback message's id (= the outbox item id: stable
//               across retries, new for each reply), timestamp = the feedback message's
//   entry[0]    MessageHeader  id = the same; eventCoding servicerequest-response
//               (message-events-bars); reason new (the guide's referral response: "must be
//               'new'"); response {identifier: the original Bundle.id, code: ok};
//               source.endpoint = the endpoint that named this service; destination = the
//               sender's source.endpoint and its organisation; sender = the platform (ODS);
//               focus = the Encounter ("must reference the Responder's current Encounter")
//   entry[1]    ServiceRequest the stored referral (intent plan, as BaRS has it), its status read
//               from the progress table (progress_map.hpp) and, when e-RS has an equivalent, the
//               e-RS referral state as the e-RS extension; fullUrl urn:uuid:<the sender's id>
//   entry[2]    Encounter      status from the table, class as the sender gave it (else
//               ambulatory), fullUrl the sender's Encounter's
//   entry[3]    Task           the platform's Task; businessStatus has the e-RS state as an
//               extra coding
//   then        the feedback message's other entries (outcome resources, summary), as they are
//
// The same feedback message and conversation give the same bytes, so a retry after a crash
// repeats the request exactly (same X-Request-ID), as BaRS asks.
//
// Thread safety: pure functions; the returned documents are the caller's.
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/bars/conversation.hpp"
#include "adapters/bars/reply_route.hpp"
#include "gateway/core/error.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::bars {

struct reply_input {
  const rapidjson::Value* feedback = nullptr;  // a feedback message Bundle that includes the ServiceRequest
  conversation origin;
  std::string referrer_ods;  // the sender's organisation (the outbox item's destination)
  std::string platform_ods;  // the platform: the reply's sender
};

// The parts a servicerequest-response is made of (the synchronous answer to $process-message
// is made of the same, process_answer.hpp).
struct reply_parts {
  std::string message_id;  // Bundle.id and MessageHeader.id
  std::string timestamp;   // FHIR instant; "" = none
  const rapidjson::Value* task = nullptr;
  std::string task_full_url;
  const rapidjson::Value* service_request = nullptr;   // stored; its id is origin.service_request_id
  std::vector<const rapidjson::Value*> other_entries;  // whole Bundle entries, copied as they are
  const rapidjson::Value* details = nullptr;           // an OperationOutcome for MessageHeader.response.details
};

rapidjson::Document assemble_reply(const reply_parts& parts, const conversation& origin,
                                   const std::string& referrer_ods, const std::string& platform_ods);

// invalid (naming the element) when the feedback message lacks its MessageHeader id, Task or
// ServiceRequest.
core::result<rapidjson::Document> build_reply_message(const reply_input& in);

// The HTTP request that carries a reply to the sender's $process-message.
struct reply_request {
  std::string url;                // from the referrer's configuration (reply_route.hpp)
  std::string request_id;         // X-Request-ID: the reply's id (new per reply, kept by retries)
  std::string correlation_id;     // X-Correlation-ID: the original message's
  std::string target_identifier;  // NHSD-Target-Identifier (base64 JSON); "" = not sent
  std::string body;               // the reply Bundle, valid R4
};

// The feedback `item` as a BaRS reply to the referrer `routing` describes. An error is permanent
// (the item can never become a reply): a payload that is not a feedback message with the
// ServiceRequest, or a reply that fails R4 validation (a gateway bug, never sent).
core::result<reply_request> make_reply_request(const core::outbox_item& item, const conversation& origin,
                                               const referrer_routing& routing, const std::string& platform_ods);

}  // namespace gateway::bars
