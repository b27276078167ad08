// A transaction Bundle: one referral with its resources (issue 4; DESIGN.md §3 "POST /").
// Checked in full before anything is stored: R4 validation of the whole Bundle, the entries'
// shape and urn:uuid: references (core::read_transaction_referral), the referral profile on the
// ServiceRequest entry, normalisation with references resolved among the entries. Then the
// shared referral intake stores everything as one unit of work, with the references rewritten.
#include <string>
#include <vector>

#include "fhir/operation_outcome_json.hpp"
#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"
#include "gateway/api/bundle_handlers.hpp"
#include "gateway/api/bundle_response.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/referral_intake.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/core/normalise_service_request.hpp"
#include "gateway/core/transaction_bundle.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

std::string entry_root(std::size_t index) {
  return "Bundle.entry[" + std::to_string(index) + "].resource";
}

// The normaliser names elements from "ServiceRequest"; in a Bundle they sit under the entry.
core::error in_entry(core::error e, std::size_t index) {
  constexpr std::string_view root = "ServiceRequest";
  if (e.expression.starts_with(root)) e.expression = entry_root(index) + e.expression.substr(root.size());
  return e;
}

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
                                                 const referral_intake_result& stored, const api_request& request,
                                                 bool with_resources) {
  std::vector<bundle_entry_answer> out;
  std::size_t next_accompanying = 0;
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
      const std::size_t write = stored.accompanying_writes[next_accompanying++];
      out.push_back(answer_for_record(stored.written[write], 201, request.base_url, with_resources));
    }
  }
  return out;
}

}  // namespace

asio::awaitable<net::http_response> answer_transaction(const app_context& ctx, const api_request& request,
                                                       const rapidjson::Value& bundle) {
  fhir::outcome r4 = fhir::validate(bundle);
  if (!r4.ok()) co_return make_error_response(error_from_validation(400, std::move(r4)));
  auto read = core::read_transaction_referral(bundle);
  if (!read) co_return make_error_response(error_from_core(read.error()));
  const core::transaction_referral& tx = *read;
  const std::size_t sr_index = tx.service_request;
  const core::transaction_entry& sr_entry = tx.entries[sr_index];

  fhir::outcome profile = fhir::validate_referral_in_bundle(bundle, sr_index);
  if (!profile.ok()) co_return make_error_response(error_from_validation(422, std::move(profile)));
  const core::reference_lookup lookup = [&tx](std::string_view reference) { return tx.resolve(reference); };
  auto normalised = core::normalise_service_request(*sr_entry.resource, lookup);
  if (!normalised) co_return make_error_response(error_from_core(in_entry(normalised.error(), sr_index)));

  referral_intake_input in;
  in.service_request = sr_entry.resource;
  in.normalised = &*normalised;
  in.requester_expression = entry_root(sr_index) + ".requester";
  if (!sr_entry.if_none_exist.empty()) {
    in.if_none_exist = if_none_exist_identifier(sr_entry.if_none_exist);
    if (!in.if_none_exist) {
      co_return make_error_response(
          api_error::single(400, fhir::issue_code::not_supported, "ifNoneExist supports identifier=SYSTEM|VALUE only",
                            "Bundle.entry[" + std::to_string(sr_index) + "].request.ifNoneExist"));
    }
  }
  in.service_request_full_url = sr_entry.full_url;
  for (const auto& e : tx.entries) {
    if (e.index == sr_index) continue;
    if (tx.patient && e.index == *tx.patient) {
      in.patient = e.resource;
      in.patient_full_url = e.full_url;
      continue;
    }
    in.accompanying.push_back({e.resource, new_uuid(), e.full_url});
  }

  referral_intake_outcome stored = co_await run_referral_intake(ctx, request, std::move(in));
  if (!stored) co_return make_error_response(stored.error());
  const bool with_resources = preferred_return(request) == prefer_return::representation;
  const auto answers = stored->created ? created_answers(tx, *stored, request, with_resources)
                                       : repeat_answers(tx, stored->service_request, request, with_resources);
  co_return make_fhir_response(200, bundle_response_json("transaction-response", answers));
}

}  // namespace gateway::api
