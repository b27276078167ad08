#include "gateway/app/platform_feedback.hpp"

#include "gateway/telemetry/log.hpp"

namespace gateway::app {

core::feedback_settings feedback_settings_for(const context& ctx, const request_meta& meta,
                                              const std::string& organisation, const core::code_system* summary_codes) {
  return core::feedback_settings{ctx.new_id(), ctx.event_source, meta.base_url,
                                 ctx.feedback_destination_for(organisation), summary_codes};
}

refusal invalid_feedback_message(const request_meta& meta, const fhir::outcome& problems) {
  std::string where;
  for (const auto& i : problems.issues) {
    if (i.severity != fhir::severity::error) continue;
    if (!where.empty()) where += ", ";
    where += i.expression;
    if (where.size() > 400) break;
  }
  telemetry::error(
      "feedback message failed validation; nothing stored or queued",
      {{"request_id", meta.request_id}, {"errors", static_cast<unsigned long>(problems.error_count())}, {"at", where}});
  fhir::outcome out = problems;
  out.issues.insert(out.issues.begin(),
                    fhir::issue{fhir::severity::error,
                                fhir::issue_code::processing,
                                "the gateway built an invalid feedback message for this change (a gateway fault); "
                                "nothing was stored. The issues below describe the message, not the request",
                                {}});
  return refusal{refusal_kind::gateway_fault, std::move(out)};
}

}  // namespace gateway::app
