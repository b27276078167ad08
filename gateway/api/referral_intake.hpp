#pragma once
// The intake every way of sending a referral ends in (POST /ServiceRequest, a transaction
// Bundle; HL7 v2 and BaRS later): given a referral that passed validation and normalisation, it
// checks the caller may send it, honours If-None-Exist, triages it and commits it with its
// Patient, Task, triage event, AuditEvent (and a Bundle's other resources) as one unit of work
// (core::plan_referral_create). A repeat of the referral identifier, sequential or concurrent,
// creates nothing and answers the stored referral.
//
// Thread safety: run on the request's strand; `ctx` and `request` must outlive the coroutine
// (callers co_await it at once).
#include <rapidjson/document.h>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/api_error.hpp"
#include "gateway/api/api_request.hpp"
#include "gateway/api/app_context.hpp"
#include "gateway/core/referral.hpp"
#include "gateway/core/referral_create_plan.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::api {

struct referral_intake_input {
  const rapidjson::Value* service_request = nullptr;  // passed R4 and referral profile validation
  const core::referral* normalised = nullptr;
  const rapidjson::Value* patient = nullptr;                      // contained Patient or Bundle entry, if any
  std::string requester_expression = "ServiceRequest.requester";  // named when access is refused
  std::optional<core::identifier> if_none_exist;
  // Transaction Bundles: see core::referral_create_input.
  std::string service_request_full_url;
  std::string patient_full_url;
  std::vector<core::accompanying_resource> accompanying;
};

struct referral_intake_result {
  bool created = false;                   // false: already stored under this identifier
  core::resource_record service_request;  // the new or the stored referral
  // When created: every record of the unit (core::referral_create_plan order) and where to find
  // the Patient and the accompanying resources in it.
  std::vector<core::resource_record> written;
  std::string patient_id;
  std::optional<std::size_t> patient_write;
  std::vector<std::size_t> accompanying_writes;
};

using referral_intake_outcome = boost::system::result<referral_intake_result, api_error>;

boost::asio::awaitable<referral_intake_outcome> run_referral_intake(const app_context& ctx, const api_request& request,
                                                                    referral_intake_input in);

// "identifier=SYSTEM|VALUE" (the only If-None-Exist criterion supported); nullopt otherwise.
std::optional<core::identifier> if_none_exist_identifier(std::string_view criteria);

}  // namespace gateway::api
