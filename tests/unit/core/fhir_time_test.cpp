#include "gateway/core/fhir_time.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;
using namespace std::chrono;

TEST(fhir_time, full_dates_parse_partial_and_impossible_dates_do_not) {
  EXPECT_EQ(parse_fhir_date("1980-06-15"), date(year{1980}, June, day{15}));
  EXPECT_FALSE(parse_fhir_date("1980"));
  EXPECT_FALSE(parse_fhir_date("1980-06"));
  EXPECT_FALSE(parse_fhir_date("2023-02-29"));
  EXPECT_FALSE(parse_fhir_date("1980-06-15T00:00:00Z"));
  EXPECT_FALSE(parse_fhir_date("198a-06-15"));
}

TEST(fhir_time, date_times_with_offsets_become_the_same_utc_instant) {
  const auto z = parse_fhir_date_time("2024-04-02T07:15:00Z");
  ASSERT_TRUE(z);
  EXPECT_EQ(parse_fhir_date_time("2024-04-02T08:15:00+01:00"), z);
  EXPECT_EQ(parse_fhir_date_time("2024-04-02T02:15:00.123-05:00"), z);
  EXPECT_EQ(format_instant(*z), "2024-04-02T07:15:00Z");
}

TEST(fhir_time, date_times_without_zone_or_malformed_are_rejected) {
  EXPECT_FALSE(parse_fhir_date_time("2024-04-02T08:15:00"));
  EXPECT_FALSE(parse_fhir_date_time("2024-04-02T25:15:00Z"));
  EXPECT_FALSE(parse_fhir_date_time("2024-04-02T08:15:00.Z"));
  EXPECT_FALSE(parse_fhir_date_time("2024-04-02T08:15:00+1:00"));
  EXPECT_TRUE(parse_fhir_date_time("2024-04-02"));  // a date orders as midnight UTC
}

TEST(fhir_time, age_counts_completed_years_only) {
  const date birth{year{2006}, March, day{10}};
  EXPECT_EQ(age_in_years(birth, date{year{2024}, March, day{9}}), 17);
  EXPECT_EQ(age_in_years(birth, date{year{2024}, March, day{10}}), 18);
  EXPECT_EQ(age_in_years(birth, date{year{2005}, January, day{1}}), 0);
  const date leap{year{2004}, February, day{29}};
  EXPECT_EQ(age_in_years(leap, date{year{2022}, February, day{28}}), 17);
  EXPECT_EQ(age_in_years(leap, date{year{2022}, March, day{1}}), 18);
}
