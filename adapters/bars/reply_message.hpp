#pragma once
// The BaRS asynchronous reply about a referral (BaRS Core "Asynchronous response workflows";
// event servicerequest-response), and the outbox item that carries it to the sender's
// $process-message:
//
//   Bundle      type message, id = the reply's id (new for each reply), timestamp
//   entry[0]    MessageHeader  id = the reply's id; eventCoding servicerequest-response
//               (message-events-bars); reason new for the first reply about the referral, update
//               after; response {identifier: the original Bundle.id, code: ok}; source.endpoint =
//               the endpoint that named this service; destination = the sender's source.endpoint
//               and its organisation; sender = the platform (ODS); focus = the ServiceRequest
//   entry[1]    ServiceRequest the stored referral (intent plan, as BaRS has it), its status read from the progress
//   table
//               (progress_map.hpp) and, when e-RS has an equivalent, the e-RS referral state as
//               the e-RS extension; fullUrl urn:uuid:<the sender's id for it>
//   entry[2]    Encounter      the referral's encounter as BaRS replies carry it: status from
//               the table, class as the sender gave it (else ambulatory), fullUrl the sender's
//   entry[3]    Task           the platform's Task; businessStatus has the e-RS state as an
//               extra coding
//   then        outcome resources (an outcome report), if any
//
// The outbox item: channel feedback, destination the referrer's ODS code, ordering key the
// ServiceRequest id (in order per referral, as every feedback mode), id = the reply's id =
// MessageHeader.id = X-Request-ID; the payload the reply_envelope (URL and headers with the
// message; X-Correlation-ID the original's). The message is validated as R4 before it is queued:
// one that fails is the gateway's own bug and is never queued.
//
// Thread safety: pure functions; the returned documents are the caller's.
#include <string>
#include <vector>

#include <rapidjson/document.h>
#include <boost/system/result.hpp>

#include "adapters/bars/conversation.hpp"
#include "adapters/bars/reply_route.hpp"
#include "fhir/outcome.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::bars {

struct reply_input {
  std::string message_id;   // a new UUID
  std::string timestamp;    // FHIR instant
  bool first_reply = true;  // reason new, else update
  conversation origin;
  std::string referrer_ods;  // the sender's organisation (outbox destination)
  std::string platform_ods;  // the platform: the reply's sender
  std::string base_url;      // the gateway's FHIR base, for the Task's and outcomes' fullUrls
  reply_route route;
  const rapidjson::Value* service_request = nullptr;  // stored; carries its id
  const rapidjson::Value* task = nullptr;             // stored, after the change
  std::vector<const rapidjson::Value*> outcomes;      // stored outcome resources
};

rapidjson::Document build_reply_message(const reply_input& in);

using reply_item_outcome = boost::system::result<core::outbox_item, fhir::outcome>;
reply_item_outcome make_reply_item(const reply_input& in);

}  // namespace gateway::bars
