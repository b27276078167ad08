#pragma once
// A BaRS message as it arrives at $process-message, read into its parts (BaRS Core "Standard
// patterns: message headers"; API 1.5.0 $process-message). The Bundle has been parsed and
// validated as R4 (fhir::validate) before; this checks what R4 does not:
//   - Bundle.type "message" and a Bundle.id (BaRS: MUST; replies name it in response.identifier);
//   - entry[0] is the MessageHeader; eventCoding is servicerequest-request of
//     https://fhir.nhs.uk/CodeSystem/message-events-bars (another event of that system: 422, it is
//     BaRS but not a referral this receiver takes; another system: 400);
//   - reason.coding of https://fhir.nhs.uk/CodeSystem/message-reason-bars: new | update | delete;
//   - focus names, by fullUrl, the ServiceRequest entry, which has an id or a urn:uuid fullUrl
//     (the sender's name for the referral across messages);
//   - source.endpoint (where replies are addressed) and at least one destination;
//   - fullUrls are unique and every urn:uuid: reference names an entry.
// The first problem is the error, naming its element ("Bundle.entry[0].resource.reason"):
// invalid (400) for a message this receiver cannot read as sent, unprocessable (422) for one it
// reads but will not process.
//
// Thread safety: pure; the result points into the Bundle, which must outlive it.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/bars/target_identifier.hpp"
#include "gateway/core/error.hpp"

namespace gateway::bars {

enum class message_reason { new_referral, update, remove };  // codes new | update | delete

std::string_view to_string(message_reason r);

struct message_entry {
  std::size_t index = 0;  // position in Bundle.entry
  std::string full_url;   // as sent ("urn:uuid:..." in BaRS), may be empty
  std::string resource_type;
  const rapidjson::Value* resource = nullptr;
};

struct inbound_message {
  std::string bundle_id;  // Bundle.id
  std::string header_id;  // MessageHeader.id; "" when not given (the BaRS examples leave it out)
  message_reason reason = message_reason::new_referral;
  std::vector<message_entry> entries;  // every entry, in Bundle order (entries[i].index == i)
  std::size_t service_request = 0;     // index of the focus ServiceRequest
  std::string service_request_uuid;    // the sender's id for it: its id when a UUID, else its urn:uuid fullUrl's
  std::string source_endpoint;         // MessageHeader.source.endpoint, as sent
  std::vector<std::string> destination_endpoints;  // MessageHeader.destination[].endpoint, as sent
  std::size_t sender = 0;                          // index of the MessageHeader.sender Organization, if it resolves
  bool has_sender = false;

  const message_entry& service_request_entry() const { return entries[service_request]; }
  // The entry whose fullUrl is `full_url`, or nullptr.
  const message_entry* find(std::string_view full_url) const;
};

core::result<inbound_message> read_inbound_message(const rapidjson::Value& bundle);

// "Bundle.entry[i].resource" + (".rest" when given): how every message error names its element.
std::string entry_expression(std::size_t index, std::string_view rest = {});

}  // namespace gateway::bars
