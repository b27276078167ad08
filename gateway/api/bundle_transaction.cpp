// A transaction Bundle: one referral with its resources (issue 4; DESIGN.md §3 "POST /").
// The route reads what is particular to a FHIR transaction — R4 validation of the whole Bundle,
// the entries' shape and urn:uuid: references (core::read_transaction_referral), the
// ServiceRequest entry's ifNoneExist — and hands the referral with its resources to the referral
// create use case (app::referral_create_service), which checks the profile on the ServiceRequest
// entry and stores everything as one unit of work with the references rewritten, or nothing.
#include <string>
#include <vector>

#include "fhir/operation_outcome_json.hpp"
#include "fhir/validator.hpp"
#include "gateway/api/bundle_handlers.hpp"
#include "gateway/api/bundle_response.hpp"
#include "gateway/api/conditional_request.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/api/use_case_await.hpp"
#include "gateway/app/services.hpp"
#include "gateway/core/transaction_bundle.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

// A repeat of a stored referral: its entry answers 200 with the stored ServiceRequest; the
// other entries were not stored again, and say so.
std::vector<bundle_entry_answer> repeat_answers(const core::transaction_referral& tx, const core::resource_record& sr,
                                                const api_request& request, bool with_resources) {
  std::vector<bundle_entry_answer> out;
  const std::string note = fhir::to_operation_outcome_json(
      fhir::make_outcome(fhir::severity::information, fhir::issue_code::processing,
                         "not stored: this referral was received before as ServiceRequest/" + sr.id));
  for (const auto& e : tx.entries) {
    if (e.index == tx.service_request) {
      out.push_back(answer_for_record(sr, 200, request.base_url, with_resources));
    } else {
      bundle_entry_answer a;
      a.status = status_text(200);
      a.outcome_json = note;
      out.push_back(std::move(a));
    }
  }
  return out;
}

std::vector<bundle_entry_answer> created_answers(const core::transaction_referral& tx,
                                                 const app::referral_created& stored, const api_request& request,
                                                 bool with_resources) {
  std::vector<bundle_entry_answer> out;
  std::size_t next_companion = 0;
  for (const auto& e : tx.entries) {
    if (e.index == tx.service_request) {
      out.push_back(answer_for_record(stored.service_request, 201, request.base_url, with_resources));
    } else if (tx.patient && e.index == *tx.patient) {
      if (stored.patient_write) {
        out.push_back(answer_for_record(stored.written[*stored.patient_write], 201, request.base_url, with_resources));
      } else {
        // The Patient stored for this NHS number already: the entry maps to it, unchanged.
        bundle_entry_answer a;
        a.status = status_text(200);
        a.full_url = request.base_url + "/Patient/" + stored.patient_id;
        a.location = "Patient/" + stored.patient_id;
        out.push_back(std::move(a));
      }
    } else {
      const std::size_t write = stored.companion_writes[next_companion++];
      out.push_back(answer_for_record(stored.written[write], 201, request.base_url, with_resources));
    }
  }
  return out;
}

}  // namespace

asio::awaitable<net::http_response> answer_transaction(const app_context& ctx, const api_request& request,
                                                       const rapidjson::Value& bundle) {
  fhir::outcome r4 = fhir::validate(bundle);
  if (!r4.ok()) co_return refusal_response(app::refusal_from_validation(app::refusal_kind::invalid, std::move(r4)));
  auto read = core::read_transaction_referral(bundle);
  if (!read) co_return refusal_response(app::refusal_from_core(read.error()));
  const core::transaction_referral& tx = *read;
  const std::size_t sr_index = tx.service_request;

  app::referral_create_command command{*request.who, request.meta(), app::bundled_referral{&bundle, &tx}, {}};
  if (const std::string& criteria = tx.entries[sr_index].if_none_exist; !criteria.empty()) {
    command.if_none_exist = if_none_exist_identifier(criteria);
    if (!command.if_none_exist) {
      co_return make_error_response(
          api_error::single(400, fhir::issue_code::not_supported, "ifNoneExist supports identifier=SYSTEM|VALUE only",
                            "Bundle.entry[" + std::to_string(sr_index) + "].request.ifNoneExist"));
    }
  }
  app::task<app::result<app::referral_created>> work = ctx.services->referral_create.create(std::move(command));
  app::result<app::referral_created> stored = co_await await_use_case(std::move(work));
  if (!stored) co_return refusal_response(std::move(stored.error()));
  const bool with_resources = preferred_return(request) == prefer_return::representation;
  const auto answers = stored->created ? created_answers(tx, *stored, request, with_resources)
                                       : repeat_answers(tx, stored->service_request, request, with_resources);
  co_return make_fhir_response(200, bundle_response_json("transaction-response", answers));
}

}  // namespace gateway::api
