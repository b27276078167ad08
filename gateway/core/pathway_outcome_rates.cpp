// The outcome-rates table of the operations page (pathway_report.hpp): per referring organisation,
// each referral's PHQ-9 / GAD-7 totals summarised by the same rules as the outcome report a GP
// receives (outcome_summary.hpp), then counted. Unknown conclusions are left out of the
// denominators, never guessed.
#include "gateway/core/outcome_summary.hpp"
#include "gateway/core/pathway_report.hpp"

#include <rapidjson/document.h>

#include <cmath>
#include <map>
#include <memory>

namespace gateway::core {
namespace {

struct rates {
  std::int64_t with_scores = 0;
  std::int64_t recovery_eligible = 0;  // a case at the start, the end known
  std::int64_t recovered = 0;
  std::int64_t improvement_known = 0;
  std::int64_t improved = 0;
  std::int64_t deterioration_known = 0;
  std::int64_t deteriorated = 0;
};

report_cell percent(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return {};
  return std::round(1000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 10.0;
}

}  // namespace

report_table outcome_rates_table(const pathway_facts& facts) {
  report_table t{"outcomes",
                 "Outcome rates by referring organisation, from the outcome summaries",
                 {"organisation", "referrals_with_scores", "recovery_eligible", "recovered", "recovery_rate_percent",
                  "improvement_known", "reliable_improvement", "improvement_rate_percent", "deterioration_known",
                  "reliable_deterioration", "deterioration_rate_percent"},
                 {}};
  std::map<std::string, std::string> organisation_of;
  for (const auto& r : facts.referrals) organisation_of[r.id] = r.organisation;

  std::map<std::string, std::vector<std::unique_ptr<rapidjson::Document>>> observations;  // by referral
  for (const auto& s : facts.scores) {
    auto doc = std::make_unique<rapidjson::Document>();
    if (doc->Parse(s.json.data(), s.json.size()).HasParseError() || !doc->IsObject()) continue;
    observations[s.referral_id].push_back(std::move(doc));
  }

  std::map<std::string, rates> by_organisation;
  for (const auto& [referral, docs] : observations) {
    const auto org = organisation_of.find(referral);
    if (org == organisation_of.end()) continue;
    std::vector<const rapidjson::Value*> values;
    for (const auto& d : docs) values.push_back(d.get());
    std::vector<outcome_score> scores = scores_from_observations(values);
    if (scores.empty()) continue;
    const outcome_summary s = summarise_outcomes(std::move(scores));
    rates& r = by_organisation[org->second];
    ++r.with_scores;
    if (s.case_at_start == true && s.case_at_end.has_value()) {
      ++r.recovery_eligible;
      if (s.recovery == true) ++r.recovered;
    }
    if (s.reliable_improvement.has_value()) {
      ++r.improvement_known;
      if (*s.reliable_improvement) ++r.improved;
    }
    if (s.reliable_deterioration.has_value()) {
      ++r.deterioration_known;
      if (*s.reliable_deterioration) ++r.deteriorated;
    }
  }
  for (const auto& [org, r] : by_organisation) {
    t.rows.push_back({org, r.with_scores, r.recovery_eligible, r.recovered, percent(r.recovered, r.recovery_eligible),
                      r.improvement_known, r.improved, percent(r.improved, r.improvement_known), r.deterioration_known,
                      r.deteriorated, percent(r.deteriorated, r.deterioration_known)});
  }
  return t;
}

}  // namespace gateway::core
