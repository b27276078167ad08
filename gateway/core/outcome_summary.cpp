#include "gateway/core/outcome_summary.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"

#include <algorithm>
#include <cmath>

namespace gateway::core {
namespace {

using tri = std::optional<bool>;

// Kleene three-valued logic: nullopt is "unknown".
tri k_not(tri a) {
  return a ? tri(!*a) : std::nullopt;
}
tri k_or(tri a, tri b) {
  if ((a && *a) || (b && *b)) return true;
  if (a && b) return false;
  return std::nullopt;
}
tri k_and(tri a, tri b) {
  if ((a && !*a) || (b && !*b)) return false;
  if (a && b) return true;
  return std::nullopt;
}

constexpr int phq9_case = 10;
constexpr int gad7_case = 8;
constexpr int phq9_reliable = 6;
constexpr int gad7_reliable = 4;

// A measure's value at the start or end, known only when it has both ends.
std::optional<int> at_start(const measure_series& m) {
  return m.count >= 2 ? std::optional<int>(m.first->value) : std::nullopt;
}
std::optional<int> at_end(const measure_series& m) {
  return m.count >= 2 ? std::optional<int>(m.last->value) : std::nullopt;
}

tri at_least(std::optional<int> v, int threshold) {
  return v ? tri(*v >= threshold) : std::nullopt;
}

tri is_case(std::optional<int> phq9, std::optional<int> gad7) {
  return k_or(at_least(phq9, phq9_case), at_least(gad7, gad7_case));
}

// Change (last - first) compared with a threshold; `falls` looks for decreases.
tri changed(const measure_series& m, int threshold, bool falls) {
  if (m.count < 2) return std::nullopt;
  const int delta = m.last->value - m.first->value;
  return falls ? delta <= -threshold : delta >= threshold;
}

std::string describe_series(std::string_view name, const measure_series& m) {
  const std::string n(name);
  if (m.count == 0) return "no " + n + " scores";
  if (m.count == 1) return n + " " + std::to_string(m.first->value) + " (one score only)";
  return n + " " + std::to_string(m.first->value) + " \u2192 " + std::to_string(m.last->value);
}

std::string join(const std::vector<std::string>& parts, std::string_view last_sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += (i + 1 == parts.size()) ? std::string(last_sep) : std::string(", ");
    out += parts[i];
  }
  return out;
}

void write_narrative(outcome_summary& s) {
  std::string text = describe_series("PHQ-9", s.phq9) + ", " + describe_series("GAD-7", s.gad7) + ": ";
  std::vector<std::string> found;
  std::vector<std::string> unknown;
  if (s.recovery == true)
    found.push_back("recovered");
  else if (s.recovery == false && s.case_at_start == true)
    found.push_back("not recovered");
  else if (s.case_at_start == false)
    found.push_back("not a case at the start, so recovery does not apply");
  else {
    if (s.case_at_start == true) found.push_back("a case at the start");
    unknown.push_back("recovery");
  }

  if (s.reliable_improvement == true)
    found.push_back("reliable improvement");
  else if (s.reliable_deterioration == true)
    found.push_back("reliable deterioration");
  else if (s.reliable_improvement == false && s.reliable_deterioration == false)
    found.push_back("no reliable change");
  else
    unknown.push_back("reliable change");

  if (s.reliable_recovery == true) found.push_back("reliable recovery");

  if (found.empty())
    text += "not enough scores to summarise the outcome";
  else
    text += join(found, ", ");
  text += ".";
  if (!unknown.empty())
    text += " Not enough data to judge " + join(unknown, " or ") + " (" + join(s.insufficient, "; ") + ").";
  s.narrative = std::move(text);
}

}  // namespace

outcome_summary summarise_outcomes(std::vector<outcome_score> scores) {
  std::stable_sort(scores.begin(), scores.end(),
                   [](const outcome_score& a, const outcome_score& b) { return a.effective < b.effective; });
  outcome_summary s;
  for (const auto& sc : scores) {
    measure_series* m = sc.code == codes::phq9_total ? &s.phq9 : sc.code == codes::gad7_total ? &s.gad7 : nullptr;
    if (!m) continue;
    if (m->count == 0)
      m->first = sc;
    else
      m->last = sc;
    ++m->count;
  }
  for (auto [name, m] : {std::pair{"PHQ-9", &s.phq9}, std::pair{"GAD-7", &s.gad7}}) {
    if (m->count == 0)
      s.insufficient.push_back(std::string(name) + " has no scores");
    else if (m->count == 1)
      s.insufficient.push_back(std::string(name) + " has one score only");
  }

  s.case_at_start = is_case(at_start(s.phq9), at_start(s.gad7));
  s.case_at_end = is_case(at_end(s.phq9), at_end(s.gad7));
  s.recovery = k_and(s.case_at_start, k_not(s.case_at_end));
  const tri phq_fell = changed(s.phq9, phq9_reliable, true);
  const tri gad_fell = changed(s.gad7, gad7_reliable, true);
  const tri phq_rose = changed(s.phq9, phq9_reliable, false);
  const tri gad_rose = changed(s.gad7, gad7_reliable, false);
  s.reliable_improvement = k_and(k_or(phq_fell, gad_fell), k_not(k_or(phq_rose, gad_rose)));
  s.reliable_deterioration = k_and(k_or(phq_rose, gad_rose), k_not(k_or(phq_fell, gad_fell)));
  s.reliable_recovery = k_and(s.recovery, s.reliable_improvement);
  write_narrative(s);
  return s;
}

std::vector<outcome_score> scores_from_observations(std::span<const rapidjson::Value* const> observations) {
  std::vector<outcome_score> out;
  for (const rapidjson::Value* o : observations) {
    if (!o || fhir::json::string_member(*o, "resourceType") != "Observation") continue;
    const auto status = fhir::json::string_member(*o, "status");
    if (status != "final" && status != "amended" && status != "corrected") continue;
    std::string code;
    int max = 0;
    if (const auto* cc = fhir::json::object_member(*o, "code"))
      for (const auto& c : fhir::json::each(*cc, "coding")) {
        if (fhir::json::string_member(c, "system") != systems::loinc) continue;
        const auto x = fhir::json::string_member(c, "code");
        if (x == codes::phq9_total) {
          code = std::string(x);
          max = 27;
        } else if (x == codes::gad7_total) {
          code = std::string(x);
          max = 21;
        }
      }
    if (code.empty()) continue;
    std::optional<double> value = fhir::json::number_member(*o, "valueInteger");
    if (!value)
      if (const auto* q = fhir::json::object_member(*o, "valueQuantity"))
        value = fhir::json::number_member(*q, "value");
    if (!value || *value != std::floor(*value) || *value < 0 || *value > max) continue;
    auto effective = parse_fhir_date_time(fhir::json::string_member(*o, "effectiveDateTime"));
    if (!effective)
      if (const auto* p = fhir::json::object_member(*o, "effectivePeriod"))
        effective = parse_fhir_date_time(fhir::json::string_member(*p, "start"));
    if (!effective) continue;
    const auto id = fhir::json::string_member(*o, "id");
    out.push_back(
        {code, static_cast<int>(*value), *effective, id.empty() ? std::string() : "Observation/" + std::string(id)});
  }
  return out;
}

}  // namespace gateway::core
