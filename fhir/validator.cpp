#include "fhir/validator.hpp"

#include "fhir/json_view.hpp"
#include "fhir/validation_context.hpp"

namespace fhir {

outcome validator::validate(const rapidjson::Value& resource, const validate_options& options) const {
  outcome out;
  detail::issue_sink sink(out, options.issue_cap);
  detail::walk_context ctx{*model_, sink, nullptr, nullptr};
  type_index profile = no_type;
  if (!options.profile.empty()) {
    profile = model_->find_profile(options.profile);
    if (profile == no_type) {
      sink.error(issue_code::not_supported, "unknown profile " + std::string(options.profile), nullptr);
      return out;
    }
  }
  const std::string_view type = json::string_member(resource, "resourceType");
  detail::path_node root{nullptr, type.empty() ? std::string_view("Resource") : type, -1};
  detail::walk_resource(ctx, resource, profile, root, false);
  return out;
}

outcome validator::validate_json(std::string_view body, const json_limits& limits,
                                 const validate_options& options) const {
  auto doc = parse_json(body, limits);
  if (!doc) return to_outcome(doc.error());
  return validate(*doc, options);
}

outcome validate(const rapidjson::Value& resource, const validate_options& options) {
  return validator().validate(resource, options);
}

outcome validate_json(std::string_view body, const json_limits& limits, const validate_options& options) {
  return validator().validate_json(body, limits, options);
}

}  // namespace fhir
