#include "gateway/app/referral_submission.hpp"

#include "fhir/json_view.hpp"
#include "fhir/referral_profile.hpp"
#include "gateway/core/access_policy.hpp"
#include "gateway/core/normalise_service_request.hpp"

namespace gateway::app {

namespace {

// The Patient a ServiceRequest's subject names among its contained resources, if any.
const rapidjson::Value* contained_patient(const rapidjson::Value& sr) {
  const auto* subject = fhir::json::object_member(sr, "subject");
  if (subject == nullptr) return nullptr;
  const std::string_view ref = fhir::json::string_member(*subject, "reference");
  if (ref.size() < 2 || ref.front() != '#') return nullptr;
  for (const auto& c : fhir::json::each(sr, "contained")) {
    if (fhir::json::string_member(c, "id") == ref.substr(1) &&
        fhir::json::string_member(c, "resourceType") == "Patient") {
      return &c;
    }
  }
  return nullptr;
}

std::string entry_root(std::size_t index) {
  return "Bundle.entry[" + std::to_string(index) + "].resource";
}

// The normaliser names elements from "ServiceRequest"; in a Bundle they sit under the entry.
core::error in_entry(core::error e, std::size_t index) {
  constexpr std::string_view root = "ServiceRequest";
  if (e.expression.starts_with(root)) e.expression = entry_root(index) + e.expression.substr(root.size());
  return e;
}

result<checked_referral> check_standalone(const standalone_referral& in) {
  const rapidjson::Value& sr = *in.service_request;
  fhir::outcome profile = fhir::validate_referral(sr);
  if (!profile.ok()) return refusal_from_validation(refusal_kind::unprocessable, std::move(profile));
  auto normalised = core::normalise_service_request(sr);
  if (!normalised) return refusal_from_core(normalised.error());
  checked_referral out;
  out.service_request = &sr;
  out.normalised = std::move(*normalised);
  out.patient = contained_patient(sr);
  return out;
}

result<checked_referral> check_bundled(const bundled_referral& in) {
  const core::transaction_referral& tx = *in.entries;
  const std::size_t sr_index = tx.service_request;
  const core::transaction_entry& sr_entry = tx.entries[sr_index];
  fhir::outcome profile = fhir::validate_referral_in_bundle(*in.bundle, sr_index);
  if (!profile.ok()) return refusal_from_validation(refusal_kind::unprocessable, std::move(profile));
  const core::reference_lookup lookup = [&tx](std::string_view reference) { return tx.resolve(reference); };
  // Every entry counts for triage, whether or not supportingInfo lists it.
  std::vector<const rapidjson::Value*> others;
  for (const auto& e : tx.entries)
    if (e.index != sr_index) others.push_back(e.resource);
  auto normalised = core::normalise_service_request(*sr_entry.resource, lookup, others);
  if (!normalised) return refusal_from_core(in_entry(normalised.error(), sr_index));
  checked_referral out;
  out.service_request = sr_entry.resource;
  out.normalised = std::move(*normalised);
  out.service_request_full_url = sr_entry.full_url;
  for (const auto& e : tx.entries) {
    if (e.index == sr_index) continue;
    if (tx.patient && e.index == *tx.patient) {
      out.patient = e.resource;
      out.patient_full_url = e.full_url;
      continue;
    }
    out.companions.push_back({e.resource, e.full_url});
  }
  return out;
}

std::string requester_expression(const referral_document& document) {
  if (const auto* bundled = std::get_if<bundled_referral>(&document)) {
    return entry_root(bundled->entries->service_request) + ".requester";
  }
  return "ServiceRequest.requester";
}

}  // namespace

result<checked_referral> check_referral(const referral_document& document, const caller& who) {
  result<checked_referral> checked = std::holds_alternative<standalone_referral>(document)
                                         ? check_standalone(std::get<standalone_referral>(document))
                                         : check_bundled(std::get<bundled_referral>(document));
  if (!checked) return checked;
  if (core::decide(who.access(), core::access_action::create_referral, checked->normalised.requester_ods) !=
      core::access_decision::allow) {
    return refusal::single(
        refusal_kind::forbidden, fhir::issue_code::processing,
        "a referrer may only send referrals whose requester is its own organisation (" + who.organisation + ")",
        requester_expression(document));
  }
  return checked;
}

}  // namespace gateway::app
