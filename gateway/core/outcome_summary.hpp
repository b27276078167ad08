#pragma once
// The outcome summary a GP can read at a glance (issue 5 item 4), computed from a referral's first
// and last PHQ-9 (LOINC 44261-6) and GAD-7 (LOINC 70274-6) totals by the NHS Talking Therapies
// rules (shared/clinical-codes.md):
//   case:                   PHQ-9 >= 10 or GAD-7 >= 8
//   recovery:               a case at the first measurement, not a case at the last
//   reliable improvement:   PHQ-9 falls by >= 6 or GAD-7 falls by >= 4, and neither rises by that much
//   reliable deterioration: the mirror image
//   reliable recovery:      recovery and reliable improvement
//
// Missing data is never guessed. A measure with fewer than two scores is unknown at both ends, and
// every conclusion is computed in three-valued (Kleene) logic: "PHQ-9 >= 10" alone proves a case,
// but "not a case" needs both measures below threshold, and "neither rises" needs both measures.
// So a conclusion is true, false, or unknown (nullopt) with `insufficient` saying why.
//
// Thread safety: pure functions.

#include "gateway/core/fhir_time.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace gateway::core {

struct outcome_score {
  std::string code;  // codes::phq9_total or codes::gad7_total
  int value = 0;
  instant effective{};
  std::string reference;  // "Observation/123", for derivedFrom; may be empty
};

struct measure_series {
  std::optional<outcome_score> first;  // set when at least one score
  std::optional<outcome_score> last;   // set when at least two scores
  int count = 0;
};

struct outcome_summary {
  measure_series phq9;
  measure_series gad7;
  std::optional<bool> case_at_start;
  std::optional<bool> case_at_end;
  std::optional<bool> recovery;
  std::optional<bool> reliable_improvement;
  std::optional<bool> reliable_deterioration;
  std::optional<bool> reliable_recovery;
  std::vector<std::string> insufficient;  // e.g. "GAD-7 has one score only"
  std::string narrative;                  // one plain-text paragraph
};

// Scores in any order; sorted by effective time (ties keep input order). Scores of other codes
// are ignored.
outcome_summary summarise_outcomes(std::vector<outcome_score> scores);

// PHQ-9 / GAD-7 total Observations -> scores. Skipped, because they cannot be placed or trusted:
// status other than final/amended/corrected, no effective time, a non-integer value, or a value
// outside the measure's range (PHQ-9 0–27, GAD-7 0–21). `reference` is "Observation/{id}" when
// the resource has an id.
std::vector<outcome_score> scores_from_observations(std::span<const rapidjson::Value* const> observations);

}  // namespace gateway::core
