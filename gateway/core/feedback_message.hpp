#pragma once
// The feedback message a referrer receives (issue 5 items 3–4, DESIGN.md §3 "Feedback"): a FHIR
// R4 Bundle of type `message`, and the outbox item that carries it.
//
//   entry[0]  MessageHeader  id = the outbox item id (stable: a receiver drops duplicates by it),
//                            eventCoding status-update | outcome-report (systems::message_event),
//                            source.endpoint = the gateway's event source,
//                            destination[0].endpoint = the referrer's endpoint, or urn:ods:<ODS>
//                            when none is configured, receiver = the referrer by ODS code,
//                            focus = [the Task, the ServiceRequest]; no `response` (not a reply);
//                            reason.text = why it was sent beyond the event, when given (an
//                            escalation's status-update says what rose)
//   entry[1]  the Task (as it is after the change)
//   entry[2]  the ServiceRequest, only when the referrer asked for the full resource
//             (referrers[].service_request = "resource"); otherwise it is only referenced, by
//             MessageHeader.focus and Task.basedOn
//   then      the Patient, only when given (an HL7 v2 receiver needs it for PID)
//   then      the outcome resources (outcome-report), and, when a summary is given, its
//             Observations and the narrative Communication (outcome_summary_resources.hpp)
//
// Stored resources have fullUrl <base_url>/<type>/<id>, so relative references between them
// resolve inside the message; the MessageHeader and the summary resources (which the gateway
// does not store) have urn:uuid: fullUrls. The summary resources' ids are derived from the
// message id, so building the same input twice gives the same message, byte for byte.
//
// make_feedback_item validates the message with fhir::validate before it becomes an outbox item:
// a message that fails is the gateway's own bug and must never be queued.
//
// Thread safety: pure functions; the returned documents are the caller's.

#include "gateway/core/code_system.hpp"
#include "gateway/core/outcome_summary.hpp"
#include "gateway/core/store_records.hpp"

#include "fhir/outcome.hpp"

#include <rapidjson/document.h>
#include <boost/system/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::core {

inline constexpr const char* fhir_json_content_type = "application/fhir+json";

enum class feedback_event { status_update, outcome_report };

std::string_view to_string(feedback_event e);  // "status-update", "outcome-report"

struct feedback_destination {
  std::string organisation;              // the referrer's ODS code (outbox destination)
  std::string endpoint;                  // configured delivery endpoint; empty = urn:ods:<organisation>
  bool include_service_request = false;  // referrers[].service_request == "resource", or delivery "hl7v2"
  bool include_patient = false;          // delivery "hl7v2": PID is written from the Patient
};

struct feedback_message_input {
  std::string message_id;  // a UUID: MessageHeader.id and the outbox item id
  feedback_event event = feedback_event::status_update;
  std::string timestamp;        // FHIR instant: Bundle.timestamp
  std::string source_endpoint;  // the gateway's URI (platform.event_source)
  std::string base_url;         // the gateway's FHIR base URL, for the fullUrls of stored resources
  feedback_destination destination;
  const rapidjson::Value* task = nullptr;             // required; carries its id
  const rapidjson::Value* service_request = nullptr;  // required; carries its id
  const rapidjson::Value* patient = nullptr;          // optional (hl7v2 delivery); carries its id
  std::vector<const rapidjson::Value*> outcomes;      // stored outcome resources, each with its id
  // Outcome summary (outcome-report only; nullptr = none): its resources are coded from
  // `summary_codes` and name `patient_reference` as their subject.
  const outcome_summary* summary = nullptr;
  const code_system* summary_codes = nullptr;
  std::string patient_reference;  // "Patient/{id}"
  // Why the message was sent beyond its event (MessageHeader.reason.text), e.g. the escalation
  // note of a status-update sent because triage rose; empty = no reason element.
  std::string reason;
};

rapidjson::Document build_feedback_message(const feedback_message_input& in);

// The message validated and wrapped as an outbox item: channel "feedback", destination the
// referrer's ODS code, ordering_key the ServiceRequest id (in order per referral), content type
// application/fhir+json, id = MessageHeader.id. Error: the validator's issues (our bug).
using feedback_item_outcome = boost::system::result<outbox_item, fhir::outcome>;
feedback_item_outcome make_feedback_item(const feedback_message_input& in);

// A UUID derived from `seed` and `n` (same inputs, same UUID; version nibble 8, RFC 9562
// "custom"): ids for resources the message creates, stable across rebuilds.
std::string derived_uuid(std::string_view seed, std::size_t n);

}  // namespace gateway::core
