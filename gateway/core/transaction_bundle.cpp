#include "gateway/core/transaction_bundle.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/bundle_references.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>

namespace gateway::core {
namespace {

constexpr std::array<std::string_view, 10> accepted_types = {
    "ServiceRequest", "Patient",     "Practitioner",          "PractitionerRole",  "Organization",
    "Condition",      "Observation", "QuestionnaireResponse", "DocumentReference", "Flag",
};

std::string at(std::size_t i, std::string_view rest = {}) {
  std::string out = "Bundle.entry[";
  out += std::to_string(i);
  out += ']';
  if (!rest.empty()) {
    out += '.';
    out += rest;
  }
  return out;
}

// request.url of a create is the type ("Patient"); tolerate a leading slash.
bool url_names_type(std::string_view url, std::string_view type) {
  if (url.starts_with('/')) url.remove_prefix(1);
  return url == type;
}

result<transaction_entry> read_entry(const rapidjson::Value& e, std::size_t i) {
  transaction_entry out;
  out.index = i;
  const auto* request = fhir::json::object_member(e, "request");
  if (request == nullptr)
    return make_error(error_kind::invalid, at(i, "request"), "a transaction entry needs a request");
  const std::string_view method = fhir::json::string_member(*request, "method");
  if (method != "POST") {
    return make_error(error_kind::invalid, at(i, "request.method"),
                      "only POST (create) entries are supported in a transaction, not " +
                          (method.empty() ? std::string("a missing method") : std::string(method)));
  }
  out.resource = fhir::json::object_member(e, "resource");
  if (out.resource == nullptr)
    return make_error(error_kind::invalid, at(i, "resource"), "a POST entry needs a resource");
  out.resource_type = std::string(fhir::json::string_member(*out.resource, "resourceType"));
  if (!transaction_accepts_type(out.resource_type)) {
    return make_error(error_kind::invalid, at(i, "resource.resourceType"),
                      "a referral transaction does not take " +
                          (out.resource_type.empty() ? std::string("a resource without a type") : out.resource_type) +
                          " entries");
  }
  if (!url_names_type(fhir::json::string_member(*request, "url"), out.resource_type)) {
    return make_error(error_kind::invalid, at(i, "request.url"),
                      "a POST entry's request.url must be its resource type (" + out.resource_type + ")");
  }
  out.full_url = std::string(fhir::json::string_member(e, "fullUrl"));
  if (!out.full_url.empty() && !out.full_url.starts_with(urn_uuid_prefix)) {
    return make_error(error_kind::invalid, at(i, "fullUrl"),
                      "an entry to create is named by a urn:uuid: fullUrl (or none)");
  }
  out.if_none_exist = std::string(fhir::json::string_member(*request, "ifNoneExist"));
  return out;
}

}  // namespace

bool transaction_accepts_type(std::string_view resource_type) {
  return std::find(accepted_types.begin(), accepted_types.end(), resource_type) != accepted_types.end();
}

const rapidjson::Value* transaction_referral::resolve(std::string_view full_url) const {
  if (full_url.empty()) return nullptr;
  for (const auto& e : entries) {
    if (e.full_url == full_url) return e.resource;
  }
  return nullptr;
}

result<transaction_referral> read_transaction_referral(const rapidjson::Value& bundle) {
  transaction_referral out;
  const auto* entries = fhir::json::array_member(bundle, "entry");
  if (entries == nullptr || entries->Empty()) {
    return make_error(error_kind::unprocessable, "Bundle.entry",
                      "a transaction carries a referral: no entries were sent");
  }
  std::unordered_set<std::string_view> full_urls;
  std::optional<std::size_t> service_request;
  for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
    auto entry = read_entry((*entries)[i], i);
    if (!entry) return entry.error();
    out.entries.push_back(std::move(*entry));
    const transaction_entry& e = out.entries.back();
    if (e.resource_type == "ServiceRequest") {
      if (service_request) {
        return make_error(error_kind::unprocessable, at(i),
                          "a transaction carries one referral; entry " + std::to_string(*service_request) +
                              " is already a ServiceRequest");
      }
      service_request = i;
    } else if (e.resource_type == "Patient") {
      if (out.patient) {
        return make_error(
            error_kind::unprocessable, at(i),
            "a referral is about one patient; entry " + std::to_string(*out.patient) + " is already a Patient");
      }
      out.patient = i;
    }
  }
  // The strings live in out.entries, which no longer grows.
  for (const auto& e : out.entries) {
    if (!e.full_url.empty() && !full_urls.insert(e.full_url).second) {
      return make_error(error_kind::invalid, at(e.index, "fullUrl"), "another entry has the same fullUrl");
    }
  }
  if (!service_request) {
    return make_error(error_kind::unprocessable, "Bundle.entry",
                      "a transaction carries a referral: no ServiceRequest entry");
  }
  out.service_request = *service_request;

  const auto known = [&](std::string_view ref) { return full_urls.contains(ref); };
  for (const auto& e : out.entries) {
    if (auto path = first_unresolved_urn(*e.resource, known)) {
      return make_error(error_kind::invalid, at(e.index, "resource." + *path),
                        "this urn:uuid: reference names no entry of the Bundle");
    }
  }
  if (out.patient) {
    const transaction_entry& patient = out.entries[*out.patient];
    const auto* subject = fhir::json::object_member(*out.entries[*service_request].resource, "subject");
    const std::string_view subject_ref =
        subject ? fhir::json::string_member(*subject, "reference") : std::string_view{};
    if (patient.full_url.empty() || subject_ref != patient.full_url) {
      return make_error(error_kind::unprocessable, at(patient.index),
                        "the Patient entry must be the referral's subject (ServiceRequest.subject names its fullUrl)");
    }
  }
  return out;
}

}  // namespace gateway::core
