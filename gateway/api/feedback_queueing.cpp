#include "gateway/api/feedback_queueing.hpp"

#include "gateway/config/gateway_config.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::api {

core::feedback_destination feedback_destination_for(const app_context& ctx, const std::string& organisation) {
  core::feedback_destination d;
  d.organisation = organisation;
  if (ctx.config == nullptr) return d;
  for (const auto& referrer : ctx.config->referrers) {
    if (referrer.organization != organisation) continue;
    d.endpoint = referrer.endpoint;
    d.include_service_request = referrer.service_request == "resource";
    break;
  }
  return d;
}

api_error invalid_feedback_message(const api_request& request, const fhir::outcome& problems) {
  std::string where;
  for (const auto& i : problems.issues) {
    if (i.severity != fhir::severity::error) continue;
    if (!where.empty()) where += ", ";
    where += i.expression;
    if (where.size() > 400) break;
  }
  telemetry::error("feedback message failed validation; nothing stored or queued",
                   {{"request_id", request.request_id},
                    {"errors", static_cast<unsigned long>(problems.error_count())},
                    {"at", where}});
  fhir::outcome out = problems;
  out.issues.insert(out.issues.begin(),
                    fhir::issue{fhir::severity::error,
                                fhir::issue_code::processing,
                                "the gateway built an invalid feedback message for this change (a gateway fault); "
                                "nothing was stored. The issues below describe the message, not the request",
                                {}});
  return api_error{500, std::move(out), {}};
}

}  // namespace gateway::api
