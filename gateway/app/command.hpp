#pragma once
// What every use-case command carries besides its input: who asks, and about the request itself.
// Front doors fill these in; the services put them into AuditEvents and outbox items.
//
// Thread safety: plain values.
#include <functional>
#include <string>
#include <string_view>

#include "gateway/core/access_policy.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::app {

// A caller known to configuration (FHIR and BaRS: by client certificate; HL7 v2: by the
// connection's certificate and the sending facility).
struct caller {
  std::string name;  // the configured caller name, for AuditEvents ("practice-a")
  core::caller_role role = core::caller_role::referrer;
  std::string organisation;  // ODS code

  core::caller access() const { return core::caller{role, organisation}; }
};

// Records a front door keeps with a change (BaRS: the referral's conversation, the message's id
// claim), added to the change's unit of work once the referral's id is known, so they commit or
// fail with it. Called once per commit attempt, on the use case's thread; must not block.
using unit_extension = std::function<void(const std::string& service_request_id, core::unit_of_work& work)>;

// The way a request arrived.
enum class front_door { fhir_rest, bars_message, hl7v2_mllp };

inline std::string_view to_string(front_door door) {
  switch (door) {
    case front_door::bars_message:
      return "bars-message";
    case front_door::hl7v2_mllp:
      return "hl7v2-mllp";
    case front_door::fhir_rest:
      break;
  }
  return "fhir-rest";
}

struct request_meta {
  std::string request_id;      // the request's id (X-Request-ID; an HL7 v2 front door: MSH-10)
  std::string correlation_id;  // a conversation spanning requests (BaRS X-Correlation-ID); "" if none
  front_door via = front_door::fhir_rest;
  // The FHIR base URL under which the gateway's resources are named in the messages a change
  // queues (feedback Bundle fullUrls), e.g. "https://gateway.example:8443/fhir".
  std::string base_url;
  // Whom the caller acted for besides its certificate (BaRS: the NHSD-End-User-Organisation,
  // -Requesting-Software and -Requesting-Practitioner headers, one line); "" if not given.
  std::string on_behalf_of;
};

}  // namespace gateway::app
