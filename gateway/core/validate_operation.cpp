#include "gateway/core/validate_operation.hpp"

#include <optional>
#include <string>

#include "fhir/json_view.hpp"
#include "fhir/model.hpp"
#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"
#include "gateway/core/normalise_service_request.hpp"

namespace gateway::core {
namespace {

using json_value = rapidjson::Value;

constexpr std::string_view base_definition_prefix = "http://hl7.org/fhir/StructureDefinition/";

// What a $validate request asks for once any Parameters wrapper is taken off.
struct validate_input {
  const json_value* resource = nullptr;
  std::string_view profile;
};

// Joins the outcomes of the separate checks: the same fault is often found by both the R4 walk
// and the profile walk (the profile is compiled over the base type), and is reported once.
class issue_merger {
 public:
  void add(const fhir::issue& i) {
    if (out_.capped) return;
    for (const auto& known : out_.issues) {
      if (known.severity == i.severity && known.code == i.code && known.expression == i.expression &&
          known.diagnostics == i.diagnostics) {
        return;
      }
    }
    // Errors are capped; warnings and notes beyond the cap are dropped without stopping.
    const bool is_error = i.severity == fhir::severity::error;
    if ((is_error ? errors_ : minor_) >= fhir::default_issue_cap) {
      if (is_error) cap();
      return;
    }
    ++(is_error ? errors_ : minor_);
    out_.issues.push_back(i);
  }
  void add(const fhir::outcome& o) {
    // A source that stopped early ends with its own "more than N issues" note: keep one of ours.
    const std::size_t n = o.capped && !o.issues.empty() ? o.issues.size() - 1 : o.issues.size();
    for (std::size_t i = 0; i < n; ++i) add(o.issues[i]);
    if (o.capped) cap();
  }
  fhir::outcome take() { return std::move(out_); }
  bool ok() const { return out_.ok(); }

 private:
  void cap() {
    if (out_.capped) return;
    out_.capped = true;
    out_.issues.push_back(fhir::issue{fhir::severity::error,
                                      fhir::issue_code::processing,
                                      "more than " + std::to_string(fhir::default_issue_cap) +
                                          " errors found; validation stopped and the rest are not listed",
                                      {}});
  }

  fhir::outcome out_;
  std::size_t errors_ = 0;
  std::size_t minor_ = 0;
};

result<validate_input> read_parameters(const json_value& parameters) {
  validate_input in;
  const json_value* list = fhir::json::array_member(parameters, "parameter");
  if (list == nullptr) {
    return make_error(error_kind::invalid, "Parameters.parameter",
                      "$validate takes a resource, or Parameters with a 'resource' parameter");
  }
  bool have_profile = false;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const json_value& p = (*list)[i];
    const std::string at = "Parameters.parameter[" + std::to_string(i) + "]";
    const std::string_view name = fhir::json::string_member(p, "name");
    if (name == "resource") {
      if (in.resource != nullptr)
        return make_error(error_kind::invalid, at, "only one 'resource' parameter is allowed");
      in.resource = fhir::json::object_member(p, "resource");
      if (in.resource == nullptr) {
        return make_error(error_kind::invalid, at + ".resource",
                          "the 'resource' parameter carries the resource in 'resource'");
      }
    } else if (name == "mode") {
      const std::string_view mode = fhir::json::string_member(p, "valueCode");
      if (mode == "delete") {
        return make_error(error_kind::invalid, at + ".valueCode", "$validate mode 'delete' is not supported here");
      }
      if (mode != "create" && mode != "update") {
        return make_error(error_kind::invalid, at + ".valueCode",
                          "$validate mode is 'create' or 'update' (a valueCode)");
      }
    } else if (name == "profile") {
      std::string_view url = fhir::json::string_member(p, "valueUri");
      if (url.empty()) url = fhir::json::string_member(p, "valueCanonical");
      if (url.empty())
        return make_error(error_kind::invalid, at + ".valueUri", "the 'profile' parameter carries its URL in valueUri");
      if (have_profile) return make_error(error_kind::invalid, at, "only one 'profile' parameter is allowed");
      have_profile = true;
      in.profile = url;
    } else {
      return make_error(
          error_kind::invalid, at + ".name",
          "unknown $validate parameter '" + std::string(name) + "' (resource, mode and profile are supported)");
    }
  }
  if (in.resource == nullptr) {
    return make_error(error_kind::invalid, "Parameters.parameter", "$validate Parameters need a 'resource' parameter");
  }
  return in;
}

// The referral in Bundle.entry[index] normalised as intake would, references resolved by fullUrl.
std::optional<error> normalise_bundle_referral(const json_value& bundle, rapidjson::SizeType index) {
  const json_value& entries = *fhir::json::array_member(bundle, "entry");
  const reference_lookup lookup = [&entries](std::string_view reference) -> const json_value* {
    for (const auto& e : entries.GetArray()) {
      if (fhir::json::string_member(e, "fullUrl") == reference) return fhir::json::object_member(e, "resource");
    }
    return nullptr;
  };
  auto normalised = normalise_service_request(*fhir::json::object_member(entries[index], "resource"), lookup);
  if (normalised) return std::nullopt;
  error e = normalised.error();
  constexpr std::string_view root = "ServiceRequest";
  if (e.expression.compare(0, root.size(), root) == 0) {
    e.expression = "Bundle.entry[" + std::to_string(index) + "].resource" + e.expression.substr(root.size());
  }
  return e;
}

void add_error(issue_merger& out, const error& e) {
  out.add(fhir::issue{fhir::severity::error, fhir::issue_code::invalid, e.message, e.expression});
}

// Referral profile (and intake normalisation) for the ServiceRequest entries of a transaction or
// batch Bundle: what POST [base] applies to them.
void check_bundle_referrals(issue_merger& out, const json_value& bundle,
                            const fhir::referral_profile_options& options) {
  const std::string_view type = fhir::json::string_member(bundle, "type");
  const json_value* entries = fhir::json::array_member(bundle, "entry");
  if ((type != "transaction" && type != "batch") || entries == nullptr) return;
  for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
    const json_value* resource = fhir::json::object_member((*entries)[i], "resource");
    if (resource == nullptr || fhir::json::string_member(*resource, "resourceType") != "ServiceRequest") continue;
    fhir::outcome profile = fhir::validate_referral_in_bundle(bundle, i, options);
    const bool profile_ok = profile.ok();
    out.add(profile);
    if (!profile_ok) continue;
    if (auto failure = normalise_bundle_referral(bundle, i)) add_error(out, *failure);
  }
}

fhir::outcome validate_resource(const json_value& resource, std::string_view profile) {
  issue_merger out;
  const std::string_view type = fhir::json::string_member(resource, "resourceType");
  const bool referral_profile = profile == fhir::referral_profile_url;
  if (!profile.empty() && !referral_profile &&
      !(profile.substr(0, base_definition_prefix.size()) == base_definition_prefix &&
        profile.substr(base_definition_prefix.size()) == type)) {
    out.add(fhir::issue{fhir::severity::error,
                        fhir::issue_code::not_supported,
                        "profile " + std::string(profile) + " is not supported here: use " +
                            std::string(fhir::referral_profile_url) + " or the resource's base definition",
                        {}});
  }
  out.add(fhir::validate(resource));

  fhir::referral_profile_options options;
  options.validate_only = true;
  if (type == "ServiceRequest") {
    out.add(fhir::validate_referral(resource, options));
    if (out.ok()) {
      auto normalised = normalise_service_request(resource);
      if (!normalised) add_error(out, normalised.error());
    }
  } else if (referral_profile) {
    out.add(fhir::issue{fhir::severity::error, fhir::issue_code::not_supported,
                        "the referral profile applies to a ServiceRequest only", "resourceType"});
  } else if (type == "Bundle") {
    check_bundle_referrals(out, resource, options);
  }
  return out.take();
}

}  // namespace

result<fhir::outcome> validate_operation(const validate_request& request) {
  if (!request.url_type.empty() && fhir::r4_model().find_resource_type(request.url_type) == fhir::no_type) {
    std::string message = "'";
    message += request.url_type;
    message += "' is not an R4 resource type";
    return make_error(error_kind::not_found, {}, std::move(message));
  }
  auto parsed = fhir::parse_json(request.body, request.limits);
  if (!parsed) return make_error(error_kind::invalid, {}, parsed.error().message);
  const rapidjson::Document& doc = *parsed;
  if (!doc.IsObject()) {
    return make_error(error_kind::invalid, {}, "$validate takes a FHIR resource or Parameters (a JSON object)");
  }
  validate_input in{&doc, {}};
  // POST /Parameters/$validate validates a Parameters resource itself; elsewhere it is the wrapper.
  if (request.unwrap_parameters && fhir::json::string_member(doc, "resourceType") == "Parameters" &&
      request.url_type != "Parameters") {
    auto read = read_parameters(doc);
    if (!read) return read.error();
    in = *read;
  }
  const std::string_view type = fhir::json::string_member(*in.resource, "resourceType");
  if (!request.url_type.empty() && type != request.url_type) {
    return make_error(error_kind::invalid, "resourceType",
                      "this is " + std::string(request.url_type) + "/$validate but the resource is " +
                          (type.empty() ? std::string("without a resourceType") : "a " + std::string(type)));
  }
  return validate_resource(*in.resource, in.profile);
}

}  // namespace gateway::core
