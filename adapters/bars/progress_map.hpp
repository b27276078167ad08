#pragma once
// The one table that says how a referral's progress reads to a BaRS sender: from the platform's
// Task (status + business status, config/codesystem-business-status.json) to the statuses a BaRS
// servicerequest-response carries (ServiceRequest.status, Encounter.status; R4 request-status and
// encounter-status) and to the e-RS referral state (https://fhir.nhs.uk/CodeSystem/eRS-ReferralState),
// which replies carry as an extra coding beside the business status, so a receiver that speaks
// either reads it. README "BaRS" prints the same table.
//
// Rows are tried in order: a row naming a business status before its Task status's default.
// An empty e-RS code means e-RS has no state that says the same thing; no e-RS coding is sent
// then, rather than a misleading one.
//
// Thread safety: immutable table, pure functions.
#include <span>
#include <string_view>

#include "gateway/core/task_status.hpp"

namespace gateway::bars {

struct progress_state {
  std::string_view service_request_status;  // draft | active | on-hold | revoked | completed | entered-in-error
  std::string_view encounter_status;        // planned | triaged | in-progress | finished | cancelled | entered-in-error
  std::string_view ers_state;               // e.g. AWAITING_TRIAGE, ENDED_CLOSED; "" = none
};

struct progress_row {
  core::task_status task = core::task_status::requested;
  std::string_view business_status;  // "" = any
  progress_state state;
};

std::span<const progress_row> progress_table();

// The first row matching; every Task status has a default row.
progress_state progress_for(core::task_status task, std::string_view business_status);

// Every e-RS referral state code (e-RS API, ServiceRequest-State.yaml), for checking the table.
std::span<const std::string_view> ers_referral_states();

}  // namespace gateway::bars
