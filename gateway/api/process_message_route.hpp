#pragma once
// POST [base]/$process-message: the BaRS front door (README "BaRS"; DESIGN.md §3). A BaRS
// message is read and checked against the BaRS rules that come before the use cases
// (bars::read_message_intake), then handed to the same use-case services as REST intake:
//   - reason new: referral create with the message's resources (app::referral_create_service),
//     the referral's BaRS conversation (bars/conversation.hpp) written in the same unit of work;
//     a referral the sender sent before (the same ServiceRequest UUID) changes nothing and is
//     answered 409 REC_CONFLICT, issue.code duplicate;
//   - reason update or delete with the ServiceRequest revoked or entered-in-error: referral
//     cancel (app::referral_update_service::cancel: the referral revoked, its Task cancelled),
//     named by the sender's ServiceRequest UUID; the message's Bundle.id is claimed in the same
//     unit, so a repeat changes nothing and is answered 409 REC_CONFLICT duplicate.
// Answers: 200 with the servicerequest-response Bundle describing the referral as it now stands
// (bars/process_answer.hpp); errors as BaRS OperationOutcomes (bars/error_codes.hpp, statuses
// from the one refusal map, api::http_status). X-Correlation-ID is echoed here, X-Request-ID by
// the API for every request. Every refusal is audited; logs carry both ids, never patient data.
#include <vector>

#include "adapters/bars/target_identifier.hpp"
#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

// `services`: bars.service_identifiers, how BaRS senders name this service. Not registered when
// empty (no BaRS front door configured).
void register_process_message_route(route_table& routes, const app_context& context,
                                    std::vector<bars::target_identifier> services);

}  // namespace gateway::api
