#pragma once
// FHIR R4 validation of one resource (with its contained resources and, for a Bundle, every entry)
// against the compiled model. Reports every problem found, up to a cap, as an fhir::outcome.
//
// Thread-safety: validate() only reads the model and its input, so any number of threads may
// validate concurrently against the same model (r4_model() is shared this way). Never throws on
// input; the only allocation on the clean path is for Bundle fullUrl indexes and contained checks.

#include <string_view>

#include <rapidjson/document.h>

#include "fhir/json_parse.hpp"
#include "fhir/model.hpp"
#include "fhir/outcome.hpp"

namespace fhir {

struct validate_options {
  std::size_t issue_cap = default_issue_cap;  // issues kept before stopping (then one more says so)
  // Canonical URL of a profile to apply to the top-level resource instead of its base type;
  // empty for plain R4. An unknown URL is reported as a not-supported error.
  std::string_view profile;
};

class validator {
 public:
  // `m` must outlive the validator. Cheap to construct and copy.
  explicit validator(const model& m = r4_model()) : model_(&m) {}

  outcome validate(const rapidjson::Value& resource, const validate_options& options = {}) const;

  // Parses with parse_json(limits) and validates; a parse failure becomes a one-issue outcome.
  outcome validate_json(std::string_view body, const json_limits& limits = {},
                        const validate_options& options = {}) const;

  const fhir::model& model() const { return *model_; }

 private:
  const fhir::model* model_;
};

// Shorthands over r4_model().
outcome validate(const rapidjson::Value& resource, const validate_options& options = {});
outcome validate_json(std::string_view body, const json_limits& limits = {}, const validate_options& options = {});

}  // namespace fhir
