#pragma once
// A platform code system (FHIR CodeSystem JSON kept in config/: business status, outcome summary,
// triage suggestion) loaded into a lookup table, and the check that a coded element uses it.
// Load from a JSON string: the caller decides where the text comes from (embedded_config.hpp
// holds the compiled-in defaults, or a file named in configuration).
//
// Thread safety: immutable after loading; share freely.

#include "gateway/core/error.hpp"

#include <rapidjson/document.h>

#include <map>
#include <string>
#include <string_view>

namespace gateway::core {

struct code_system_concept {
  std::string code;
  std::string display;
  std::string definition;
};

class code_system {
 public:
  const std::string& url() const noexcept { return url_; }
  const std::string& version() const noexcept { return version_; }
  std::size_t size() const noexcept { return concepts_.size(); }

  // nullptr when the code is not defined here.
  const code_system_concept* find(std::string_view code) const;
  bool contains(std::string_view system, std::string_view code) const {
    return system == url_ && find(code) != nullptr;
  }
  // Display text for a code, or the code itself when unknown (never empty for a non-empty code).
  std::string_view display(std::string_view code) const;

  // A CodeableConcept (e.g. Task.businessStatus) must carry at least one coding from this system,
  // and every coding from this system must use a defined code. Codings from other systems are
  // allowed (translations). Errors are error_kind::unprocessable naming the element.
  result<void> check_codeable_concept(const rapidjson::Value& codeable_concept, const std::string& expression) const;

  friend result<code_system> load_code_system(const rapidjson::Value& resource);

 private:
  std::string url_;
  std::string version_;
  std::map<std::string, code_system_concept, std::less<>> concepts_;
};

result<code_system> load_code_system(const rapidjson::Value& resource);
result<code_system> load_code_system(std::string_view json_text);

}  // namespace gateway::core
