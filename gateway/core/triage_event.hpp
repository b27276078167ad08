#pragma once
// The triage event for the platform: CloudEvents 1.0, JSON structured mode (DESIGN.md §3).
//
//   {"specversion":"1.0","id":ID,"source":SOURCE,"type":"referral.received",
//    "subject":"ServiceRequest/{id}","time":"2024-05-01T10:00:00Z",
//    "datacontenttype":"application/json",
//    "data":{"referral":{...referral_json...},"suggestedStep":"step-2","priority":"urgent",
//            "flags":["risk-to-self"],"matchedRules":[...],"task":"Task/{id}"}}
//
// A change that arrived in a conversation (BaRS X-Correlation-ID) carries it as the CloudEvents
// extension attribute "correlationid", so the platform can tie the event to the sender's messages.
//
// The id is passed in, not generated: it is the outbox item's stable id, so a receiver can drop
// a duplicate delivered after a crash between send and record. suggestedStep is omitted when no
// rule suggested one.
//
// Thread safety: pure function.

#include "gateway/core/referral.hpp"
#include "gateway/core/triage_evaluate.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace gateway::core {

// escalated: triage on a later change (an update, a later Observation or QuestionnaireResponse)
// raised the referral's priority or added a flag; the Task has a new version.
enum class referral_event_type { received, updated, cancelled, escalated };

std::string_view to_string(referral_event_type t);  // "referral.received", ...

struct triage_event_header {
  std::string id;      // stable, unique per event (a UUID)
  std::string source;  // the gateway's URI, from configuration
  referral_event_type type = referral_event_type::received;
  std::string service_request_id;  // the stored id
  std::string task_reference;      // "Task/{id}"
  std::chrono::system_clock::time_point time{};
  std::string correlation_id;  // the change's X-Correlation-ID; "" when none (no attribute)
};

// The event as compact JSON text, ready for the outbox.
std::string build_triage_event(const triage_event_header& header, const referral& r, const triage_result& triage);

}  // namespace gateway::core
