#include "fhir/outcome.hpp"

#include <algorithm>

namespace fhir {

std::string_view to_string(severity s) noexcept {
  switch (s) {
    case severity::error:
      return "error";
    case severity::warning:
      return "warning";
    case severity::information:
      return "information";
  }
  return "error";
}

std::string_view to_string(issue_code c) noexcept {
  switch (c) {
    case issue_code::invalid:
      return "invalid";
    case issue_code::structure:
      return "structure";
    case issue_code::required:
      return "required";
    case issue_code::value:
      return "value";
    case issue_code::invariant:
      return "invariant";
    case issue_code::code_invalid:
      return "code-invalid";
    case issue_code::not_supported:
      return "not-supported";
    case issue_code::processing:
      return "processing";
    case issue_code::not_found:
      return "not-found";
    case issue_code::too_costly:
      return "too-costly";
    case issue_code::informational:
      return "informational";
  }
  return "processing";
}

bool outcome::ok() const noexcept {
  return error_count() == 0;
}

std::size_t outcome::error_count() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(issues.begin(), issues.end(), [](const issue& i) { return i.severity == severity::error; }));
}

outcome make_outcome(severity s, issue_code c, std::string diagnostics, std::string expression) {
  outcome o;
  o.issues.push_back(issue{s, c, std::move(diagnostics), std::move(expression)});
  return o;
}

}  // namespace fhir
