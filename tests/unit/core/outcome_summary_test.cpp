#include "gateway/core/outcome_summary.hpp"

#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;
using namespace std::chrono;

namespace {

const instant t0 = sys_days{year{2024} / 1 / 10};

// Scores as (PHQ-9 first, last) and (GAD-7 first, last); -1 means "no score at that end".
std::vector<outcome_score> scores(int phq_first, int phq_last, int gad_first, int gad_last) {
  std::vector<outcome_score> out;
  auto add = [&](std::string_view code, int v, int day) {
    if (v >= 0) out.push_back({std::string(code), v, t0 + days{day}, {}});
  };
  add("44261-6", phq_first, 0);
  add("44261-6", phq_last, 60);
  add("70274-6", gad_first, 1);
  add("70274-6", gad_last, 61);
  return out;
}

using tri = std::optional<bool>;
const tri T = true, F = false, U = std::nullopt;

}  // namespace

TEST(outcome_summary, boundaries_table) {
  struct row {
    const char* name;
    int pf, pl, gf, gl;
    tri case_start, case_end, recovery, improvement, deterioration, reliable_recovery;
  };
  const row rows[] = {
      {"example: recovered with reliable improvement", 18, 7, 15, 6, T, F, T, T, F, T},
      {"PHQ-9 9 and GAD-7 7 are not cases", 9, 9, 7, 7, F, F, F, F, F, F},
      {"PHQ-9 10 alone is a case", 10, 10, 7, 7, T, T, F, F, F, F},
      {"GAD-7 8 alone is a case", 9, 9, 8, 8, T, T, F, F, F, F},
      {"recovery needs both below: PHQ-9 9, GAD-7 8 at end", 15, 9, 12, 8, T, T, F, T, F, F},
      {"PHQ-9 falls 5: not reliable", 15, 10, 10, 10, T, T, F, F, F, F},
      {"PHQ-9 falls 6: reliable", 15, 9, 7, 7, T, F, T, T, F, T},
      {"GAD-7 falls 3: not reliable", 9, 9, 10, 7, T, F, T, F, F, F},
      {"GAD-7 falls 4: reliable", 9, 9, 11, 7, T, F, T, T, F, T},
      {"improvement cancelled by the other rising 6", 20, 14, 2, 6, T, T, F, F, F, F},
      {"PHQ-9 rises 6: deterioration", 4, 10, 3, 3, F, T, F, F, T, F},
      {"GAD-7 rises 4: deterioration", 4, 4, 3, 7, F, F, F, F, T, F},
      {"GAD-7 rises 3: no reliable change", 4, 4, 3, 6, F, F, F, F, F, F},
      {"both rise: deterioration", 10, 20, 8, 16, T, T, F, F, T, F},
      {"reliable improvement without recovery", 27, 15, 21, 12, T, T, F, T, F, F},
      {"not a case at start but improved", 9, 2, 7, 2, F, F, F, T, F, F},
  };
  for (const auto& r : rows) {
    const auto s = summarise_outcomes(scores(r.pf, r.pl, r.gf, r.gl));
    EXPECT_EQ(s.case_at_start, r.case_start) << r.name;
    EXPECT_EQ(s.case_at_end, r.case_end) << r.name;
    EXPECT_EQ(s.recovery, r.recovery) << r.name;
    EXPECT_EQ(s.reliable_improvement, r.improvement) << r.name;
    EXPECT_EQ(s.reliable_deterioration, r.deterioration) << r.name;
    EXPECT_EQ(s.reliable_recovery, r.reliable_recovery) << r.name;
    EXPECT_TRUE(s.insufficient.empty()) << r.name;
  }
}

TEST(outcome_summary, narrative_of_the_example) {
  const auto s = summarise_outcomes(scores(18, 7, 15, 6));
  EXPECT_EQ(s.narrative, "PHQ-9 18 \u2192 7, GAD-7 15 \u2192 6: recovered, reliable improvement, reliable recovery.");
  EXPECT_EQ(summarise_outcomes(scores(4, 10, 3, 3)).narrative,
            "PHQ-9 4 \u2192 10, GAD-7 3 \u2192 3: not a case at the start, so recovery does not apply, reliable "
            "deterioration.");
  EXPECT_EQ(summarise_outcomes(scores(15, 10, 10, 10)).narrative,
            "PHQ-9 15 \u2192 10, GAD-7 10 \u2192 10: not recovered, no reliable change.");
}

TEST(outcome_summary, insufficient_data_is_said_not_guessed) {
  struct row {
    const char* name;
    int pf, pl, gf, gl;
    tri case_start, case_end, recovery, improvement, deterioration;
    std::vector<std::string> insufficient;
    const char* narrative;
  };
  const row rows[] = {
      {"no scores at all",
       -1,
       -1,
       -1,
       -1,
       U,
       U,
       U,
       U,
       U,
       {"PHQ-9 has no scores", "GAD-7 has no scores"},
       "no PHQ-9 scores, no GAD-7 scores: not enough scores to summarise the outcome. Not enough data to judge "
       "recovery or reliable change (PHQ-9 has no scores; GAD-7 has no scores)."},
      {"one score each",
       18,
       -1,
       15,
       -1,
       U,
       U,
       U,
       U,
       U,
       {"PHQ-9 has one score only", "GAD-7 has one score only"},
       "PHQ-9 18 (one score only), GAD-7 15 (one score only): not enough scores to summarise the outcome. Not enough "
       "data to judge recovery or reliable change (PHQ-9 has one score only; GAD-7 has one score only)."},
      // A PHQ-9 fall of 11 rules out deterioration whatever GAD-7 did; improvement stays unknown.
      {"only PHQ-9, improving from a case",
       18,
       7,
       -1,
       -1,
       T,
       U,
       U,
       U,
       F,
       {"GAD-7 has no scores"},
       "PHQ-9 18 \u2192 7, no GAD-7 scores: a case at the start. Not enough data to judge recovery or reliable change "
       "(GAD-7 has no scores)."},
      {"only PHQ-9, below threshold throughout", 5, 4, -1, -1, U, U, U, U, U, {"GAD-7 has no scores"}, nullptr},
      {"only PHQ-9 rising 6: GAD-7 might have fallen, so deterioration unknown",
       4,
       10,
       -1,
       -1,
       U,
       T,
       F,
       F,
       U,
       {"GAD-7 has no scores"},
       nullptr},
      {"GAD-7 one score, PHQ-9 rising case", 12, 20, 9, -1, T, T, F, F, U, {"GAD-7 has one score only"}, nullptr},
  };
  for (const auto& r : rows) {
    const auto s = summarise_outcomes(scores(r.pf, r.pl, r.gf, r.gl));
    EXPECT_EQ(s.case_at_start, r.case_start) << r.name;
    EXPECT_EQ(s.case_at_end, r.case_end) << r.name;
    EXPECT_EQ(s.recovery, r.recovery) << r.name;
    EXPECT_EQ(s.reliable_improvement, r.improvement) << r.name;
    EXPECT_EQ(s.reliable_deterioration, r.deterioration) << r.name;
    EXPECT_EQ(s.insufficient, r.insufficient) << r.name;
    if (r.narrative) {
      EXPECT_EQ(s.narrative, r.narrative) << r.name;
    }
  }
}

TEST(outcome_summary, first_and_last_by_time_not_input_order_middle_scores_ignored) {
  std::vector<outcome_score> in = {
      {"44261-6", 7, t0 + days{90}, "Observation/last"},
      {"44261-6", 25, t0 + days{30}, "Observation/middle"},
      {"44261-6", 18, t0, "Observation/first"},
      {"70274-6", 6, t0 + days{90}, {}},
      {"70274-6", 15, t0, {}},
      {"55758-7", 6, t0, {}},  // PHQ-2: not a measure the summary uses
  };
  const auto s = summarise_outcomes(in);
  EXPECT_EQ(s.phq9.count, 3);
  EXPECT_EQ(s.phq9.first->reference, "Observation/first");
  EXPECT_EQ(s.phq9.last->reference, "Observation/last");
  EXPECT_EQ(s.reliable_recovery, true);
}

TEST(outcome_summary, scores_from_observations_skips_what_cannot_be_trusted) {
  const auto doc = fixtures::parse(R"([
    {"resourceType":"Observation","id":"a","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},
     "effectiveDateTime":"2024-01-10T09:00:00Z","valueInteger":18},
    {"resourceType":"Observation","id":"b","status":"amended","code":{"coding":[{"system":"http://loinc.org","code":"70274-6"}]},
     "effectivePeriod":{"start":"2024-01-10"},"valueQuantity":{"value":15}},
    {"resourceType":"Observation","status":"preliminary","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},
     "effectiveDateTime":"2024-01-11","valueInteger":3},
    {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},
     "effectiveDateTime":"2024-01-11","valueInteger":28},
    {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"70274-6"}]},
     "effectiveDateTime":"2024-01-11","valueInteger":22},
    {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},
     "valueInteger":3},
    {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},
     "effectiveDateTime":"2024-01-11","valueQuantity":{"value":3.5}},
    {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://example.org","code":"44261-6"}]},
     "effectiveDateTime":"2024-01-11","valueInteger":3},
    {"resourceType":"QuestionnaireResponse","status":"completed"}
  ])");
  std::vector<const rapidjson::Value*> ptrs;
  for (const auto& v : doc.GetArray()) ptrs.push_back(&v);
  const auto s = scores_from_observations(ptrs);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].code, "44261-6");
  EXPECT_EQ(s[0].value, 18);
  EXPECT_EQ(s[0].reference, "Observation/a");
  EXPECT_EQ(s[1].code, "70274-6");
  EXPECT_EQ(s[1].value, 15);
  EXPECT_EQ(s[1].effective, instant{sys_days{year{2024} / 1 / 10}});
}
