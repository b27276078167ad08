#pragma once
// The result of validating (or refusing) a FHIR resource: a list of issues, each naming the element
// at fault. Plain values; safe to copy and to move between threads.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fhir {

// R4 IssueSeverity (fatal is not used: the gateway never stops half-way through a resource).
enum class severity { error, warning, information };

// The subset of R4 IssueType the gateway uses.
enum class issue_code {
  invalid,        // generic "content invalid" (for example a body that is not JSON at all)
  structure,      // JSON form, unknown element, array where a single value belongs
  required,       // a mandatory element is missing
  value,          // a primitive value breaks its datatype's rules
  invariant,      // a FHIR invariant (ele-1, ref-1, bdl-3, ...) or a profile rule
  code_invalid,   // a code not in a required value set
  not_supported,  // unknown resourceType, unsupported content
  processing,     // anything else (for example the issue cap)
  not_found,      // the HTTP layer's 404
  too_costly,     // the HTTP layer's 413
  informational,  // a note, e.g. that codes of a terminology were accepted unchecked
};

std::string_view to_string(severity s) noexcept;
std::string_view to_string(issue_code c) noexcept;

struct issue {
  fhir::severity severity = fhir::severity::error;
  issue_code code = issue_code::processing;
  std::string diagnostics;  // plain language, fit to show a referrer
  std::string expression;   // FHIRPath with indexes, e.g. "ServiceRequest.identifier[0].system"; may be empty
};

// Issues in the order found. `capped` says that more issues existed than were kept; the last
// issue then says so in words.
struct outcome {
  std::vector<issue> issues;
  bool capped = false;

  // True when no issue has severity error.
  bool ok() const noexcept;
  std::size_t error_count() const noexcept;
};

// One-issue outcome, for answers that are not about a resource's content (404, 405, 406, 413, ...).
outcome make_outcome(severity s, issue_code c, std::string diagnostics, std::string expression = {});

// The default number of issues kept by the validator before it stops and says so.
inline constexpr std::size_t default_issue_cap = 100;

}  // namespace fhir
