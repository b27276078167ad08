#include "gateway/app/platform_feedback.hpp"

#include "fhir/json_view.hpp"
#include "gateway/app/referral_records.hpp"
#include "gateway/app/store_call.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::app {

core::feedback_settings feedback_settings_for(const context& ctx, const request_meta& meta,
                                              const std::string& organisation, const core::code_system* summary_codes) {
  return core::feedback_settings{ctx.new_id(), ctx.event_source, meta.base_url,
                                 ctx.feedback_destination_for(organisation), summary_codes};
}

task<result<std::optional<rapidjson::Document>>> patient_for_feedback(const context* ctx,
                                                                      const rapidjson::Value* service_request,
                                                                      std::string organisation) {
  if (!ctx->feedback_destination_for(organisation).include_patient) co_return std::optional<rapidjson::Document>{};
  const rapidjson::Value* subject = fhir::json::object_member(*service_request, "subject");
  const std::string id =
      subject != nullptr ? id_in_reference(fhir::json::string_member(*subject, "reference"), "Patient") : std::string();
  if (id.empty()) co_return std::optional<rapidjson::Document>{};
  auto reading = store_read(*ctx->store, "Patient", id);
  core::read_outcome record = co_await reading;
  if (!record) co_return refusal_from_store(record.error());
  co_return std::optional<rapidjson::Document>{parse_record(*record)};
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
