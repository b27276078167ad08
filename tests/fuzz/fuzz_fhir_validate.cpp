// libFuzzer target over the gateway's entry path for FHIR bodies: parse_json with limits, R4
// validation (with every invariant through the FHIRPath engine), the referral profile, and
// OperationOutcome serialisation; and over the FHIRPath engine itself: when the input's first
// line (up to 1 KiB) is followed by more, that line is compiled as a FHIRPath expression and
// evaluated over the JSON that follows. Any crash, sanitizer report or invalid OperationOutcome
// JSON is a bug.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fhir/fhirpath/fhirpath.hpp"
#include "fhir/json_parse.hpp"
#include "fhir/model.hpp"
#include "fhir/operation_outcome_json.hpp"
#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"

namespace {

void evaluate_fhirpath(std::string_view expression, const rapidjson::Value& doc) {
  auto compiled = fhir::fhirpath::compile(expression);
  if (!compiled) return;
  const fhir::model& m = fhir::r4_model();
  fhir::fhirpath::environment env;
  env.m = &m;
  const std::string_view type = doc.IsObject() && doc.HasMember("resourceType") && doc["resourceType"].IsString()
                                    ? std::string_view(doc["resourceType"].GetString())
                                    : std::string_view{};
  env.resource = fhir::fhirpath::item::of_node(&doc, m.find_resource_type(type));
  env.root_resource = env.resource;
  (void)fhir::fhirpath::thread_evaluator().evaluate(*compiled, env, env.resource);
  (void)fhir::fhirpath::thread_evaluator().check(*compiled, env, env.resource);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string_view expression;
  if (const auto nl = body.find('\n'); nl != std::string_view::npos && nl <= 1024 && nl + 1 < body.size()) {
    expression = body.substr(0, nl);
    body.remove_prefix(nl + 1);
  }
  fhir::json_limits limits;
  limits.max_bytes = 1u << 20;
  auto doc = fhir::parse_json(body, limits);
  if (!doc) {
    (void)fhir::to_operation_outcome_json(fhir::to_outcome(doc.error()));
    if (!expression.empty()) (void)fhir::fhirpath::compile(expression);
    return 0;
  }
  if (!expression.empty()) evaluate_fhirpath(expression, *doc);
  const fhir::outcome o = fhir::validate(*doc);
  const std::string answer = fhir::to_operation_outcome_json(o);
  if (!fhir::parse_json(answer)) std::abort();  // our answer must always be valid JSON (and UTF-8)
  fhir::referral_profile_options options;
  options.validate_only = (size % 2) == 0;
  (void)fhir::validate_referral(*doc, options);
  if (doc->IsObject() && doc->HasMember("entry")) (void)fhir::validate_referral_in_bundle(*doc, 0, options);
  return 0;
}
